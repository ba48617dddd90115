using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using RoboTracer.Fleet.Bench.Harness;

namespace RoboTracer.Fleet.Bench.Grpc;

/// <summary>
/// Runs h2load (Debian's nghttp2-client) against one URL with a fixed request body and the gRPC request headers,
/// and reads its report.
/// </summary>
internal static partial class H2Load
{
    private static readonly string[] Candidates = ["/usr/bin/h2load", "/usr/local/bin/h2load"];

    /// <summary>The h2load binary, or a failure that says how to get it.</summary>
    public static string Locate()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "h2load"));
        return Candidates.Concat(onPath).FirstOrDefault(File.Exists)
            ?? throw new BenchmarkFailedException("h2load not found: install Debian's nghttp2-client (sudo apt-get install -y nghttp2-client; ./test.sh installs it too).");
    }

    public static async Task<string> VersionAsync(string h2load, CancellationToken cancellationToken)
    {
        var (exitCode, stdout, _) = await RunAsync(h2load, ["--version"], cancellationToken);
        return exitCode == 0 ? stdout.Trim() : "unknown";
    }

    public static async Task<H2LoadResult> RunAsync(string h2load, string url, string bodyFile, H2LoadSettings settings, string workDirectory, CancellationToken cancellationToken)
    {
        var logFile = Path.Combine(workDirectory, $"h2load-{Guid.NewGuid():N}.log");
        string[] arguments =
        [
            "-d", bodyFile,
            "-H", "content-type: application/grpc",
            "-H", "te: trailers",
            .. settings.ToArguments(),
            "--log-file", logFile,
            url,
        ];
        try
        {
            var (exitCode, stdout, stderr) = await RunAsync(h2load, arguments, cancellationToken);
            if (exitCode != 0)
            {
                throw new BenchmarkFailedException($"h2load exited with {exitCode}:\n{stdout}\n{stderr}");
            }
            var result = Parse(stdout, logFile);
            // Not "2xx == succeeded": with a server that sends response headers before its message (grpc-js), h2load
            // counts the status of calls in flight at the warm-up's end and the run's end in one phase and their
            // completion in another. No failure and no status other than 2xx is what shows every call succeeded.
            if (result.Succeeded == 0 || result.Failed + result.Errored + result.TimedOut + result.StatusNot2xx > 0)
            {
                throw new BenchmarkFailedException($"h2load saw failed or non-2xx requests against {url}:\n{stdout}");
            }
            return result;
        }
        finally
        {
            File.Delete(logFile);
        }
    }

    /// <summary>Reads h2load's summary (stdout) and its per-request log.</summary>
    internal static H2LoadResult Parse(string output, string logFile)
    {
        var finished = FinishedLine().Match(output);
        var requests = RequestsLine().Match(output);
        var status = StatusLine().Match(output);
        var time = TimeForRequestLine().Match(output);
        if (!finished.Success || !requests.Success || !status.Success || !time.Success)
        {
            throw new BenchmarkFailedException($"Unexpected h2load output:\n{output}");
        }
        var (p50, p99, logged) = ReadPercentiles(logFile);
        return new H2LoadResult(
            RequestsPerSecond: Number(finished.Groups["rps"].Value),
            Succeeded: Count(requests.Groups["succeeded"].Value),
            Failed: Count(requests.Groups["failed"].Value),
            Errored: Count(requests.Groups["errored"].Value),
            TimedOut: Count(requests.Groups["timeout"].Value),
            Status2xx: Count(status.Groups["ok"].Value),
            StatusNot2xx: Count(status.Groups["redirect"].Value) + Count(status.Groups["client"].Value) + Count(status.Groups["server"].Value),
            MinMs: Milliseconds(time.Groups["min"].Value),
            MaxMs: Milliseconds(time.Groups["max"].Value),
            MeanMs: Milliseconds(time.Groups["mean"].Value),
            SdMs: Milliseconds(time.Groups["sd"].Value),
            P50Ms: p50,
            P99Ms: p99,
            Logged: logged);
    }

    /// <summary>
    /// p50 and p99 of the 2xx requests in h2load's <c>--log-file</c>: tab-separated start time (µs since the
    /// epoch), HTTP status (-1 for a failed stream), µs until the end of the response. Only the measured phase is
    /// logged, not the warm-up.
    /// </summary>
    private static (double P50Ms, double P99Ms, long Count) ReadPercentiles(string logFile)
    {
        var latencies = new List<long>(1 << 16);
        foreach (var line in File.ReadLines(logFile))
        {
            var fields = line.Split('\t');
            if (fields.Length >= 3
                && int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) && code is >= 200 and < 300
                && long.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var micros))
            {
                latencies.Add(micros);
            }
        }
        if (latencies.Count == 0)
        {
            throw new BenchmarkFailedException($"h2load's log {logFile} holds no successful request.");
        }
        latencies.Sort();
        var sorted = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(latencies);
        return (Stats.Percentile(sorted, 50) / 1000.0, Stats.Percentile(sorted, 99) / 1000.0, latencies.Count);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo) ?? throw new BenchmarkFailedException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static long Count(string text) => long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <summary>h2load prints durations as e.g. <c>812us</c>, <c>4.56ms</c> or <c>1.02s</c>.</summary>
    private static double Milliseconds(string text)
    {
        var match = Duration().Match(text);
        if (!match.Success)
        {
            throw new BenchmarkFailedException($"Unexpected h2load duration '{text}'.");
        }
        var value = Number(match.Groups["value"].Value);
        return match.Groups["unit"].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            var unit => throw new BenchmarkFailedException($"Unexpected h2load duration unit '{unit}'."),
        };
    }

    [GeneratedRegex(@"^finished in [^,]+, (?<rps>[0-9.]+) req/s", RegexOptions.Multiline)]
    private static partial Regex FinishedLine();

    [GeneratedRegex(@"^requests: \d+ total, \d+ started, \d+ done, (?<succeeded>\d+) succeeded, (?<failed>\d+) failed, (?<errored>\d+) errored, (?<timeout>\d+) timeout", RegexOptions.Multiline)]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"^status codes: (?<ok>\d+) 2xx, (?<redirect>\d+) 3xx, (?<client>\d+) 4xx, (?<server>\d+) 5xx", RegexOptions.Multiline)]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^time for request:\s+(?<min>\S+)\s+(?<max>\S+)\s+(?<mean>\S+)\s+(?<sd>\S+)", RegexOptions.Multiline)]
    private static partial Regex TimeForRequestLine();

    [GeneratedRegex(@"^(?<value>[0-9.]+)(?<unit>us|ms|s)$")]
    private static partial Regex Duration();
}
