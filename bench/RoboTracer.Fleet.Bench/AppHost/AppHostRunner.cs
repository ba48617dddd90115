using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using RoboTracer.Fleet.Bench.Harness;

namespace RoboTracer.Fleet.Bench.AppHost;

/// <summary>
/// Starts the AppHost as a user does, in a folder (a clone: its data folder <c>.fleet</c> is there),
/// waits for its "every resource is healthy after S s" line (aspire/RoboTracer.Fleet.AppHost/ResourceStateLog.cs),
/// then stops it with SIGTERM (which <c>dotnet run</c> passes on) and waits until it has exited, children included.
/// </summary>
internal static partial class AppHostRunner
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(90);

    public static async Task<AppHostRun> RunAsync(string folder, string[] options, TimeSpan timeout, Progress progress, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // --duration: should SIGTERM not reach the AppHost, it still stops by itself.
        foreach (var argument in new[] { "run", "--project", "aspire/RoboTracer.Fleet.AppHost", "--" }.Concat(options).Concat(["--duration", "900"]))
        {
            start.ArgumentList.Add(argument);
        }
        // An external database in our environment must not replace the store asked for.
        start.Environment.Remove("ConnectionStrings__fleetdb");
        var cpu = new CpuWatch(() => []);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var healthyAt = new System.Collections.Concurrent.ConcurrentDictionary<string, double>(StringComparer.Ordinal);
        var healthy = new TaskCompletionSource<(double Seconds, long At)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var before = cpu.Take();
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new BenchmarkFailedException("could not start dotnet");
        cpu = new CpuWatch(() => Descendants(process.Id));
        void Read(string? line)
        {
            if (line is null)
            {
                return;
            }
            output.Enqueue(line);
            if (ResourceHealthyLine().Match(line) is { Success: true } resource)
            {
                healthyAt.TryAdd(resource.Groups[1].Value, Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
            if (HealthyLine().Match(line) is { Success: true } match)
            {
                healthy.TrySetResult((double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), Stopwatch.GetTimestamp()));
            }
        }
        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) => Read(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            var exited = process.WaitForExitAsync(deadline.Token);
            if (await Task.WhenAny(healthy.Task, exited) != healthy.Task)
            {
                await exited;
                throw new BenchmarkFailedException($"the AppHost exited ({process.ExitCode}) before every resource was healthy; its last lines:\n{Tail(output)}");
            }
            var (seconds, at) = await healthy.Task;
            var usage = CpuWatch.Between(before, cpu.Take());
            var store = output.Select(l => StoreLine().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value ?? "unknown";
            progress.Report($"every resource healthy after {Stopwatch.GetElapsedTime(started, at).TotalSeconds:0.0} s from dotnet run, {seconds:0.0} s from the AppHost's start; store {store}; others used {usage.ForeignCores:0.00} cores");
            progress.Report("  healthy at (s after dotnet run): " + string.Join(", ", healthyAt.OrderBy(r => r.Value).Select(r => $"{r.Key} {r.Value:0.0}")));
            return new AppHostRun(Stopwatch.GetElapsedTime(started, at).TotalSeconds, seconds, store, usage.ForeignCores, healthyAt.ToDictionary(StringComparer.Ordinal));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BenchmarkFailedException($"no 'every resource is healthy' line within {timeout.TotalMinutes:0} min; the AppHost's last lines:\n{Tail(output)}");
        }
        finally
        {
            await StopAsync(process, progress);
        }
    }

    private static async Task StopAsync(Process process, Progress progress)
    {
        if (process.HasExited)
        {
            return;
        }
        // SIGTERM to dotnet run, which passes it to the AppHost; the AppHost waits for DCP to stop every resource.
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var grace = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            progress.Report($"the AppHost did not stop within {StopTimeout.TotalSeconds:0} s of SIGTERM; killing its process tree");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary><paramref name="root"/> and every process under it (the AppHost, DCP, the resources).</summary>
    private static IEnumerable<int> Descendants(int root)
    {
        var found = new List<int> { root };
        for (var i = 0; i < found.Count; i++)
        {
            found.AddRange(Fleet.ProcessTree.Children(found[i]));
        }
        return found;
    }

    private static string Tail(IEnumerable<string> lines) => string.Join('\n', lines.TakeLast(30));

    [GeneratedRegex(@"every resource is healthy after (\d+(?:\.\d+)?) s")]
    private static partial Regex HealthyLine();

    [GeneratedRegex(@"^\s*(\S+) is healthy \(pid ")]
    private static partial Regex ResourceHealthyLine();

    [GeneratedRegex(@"the fleet is up: fleet dashboard \S+, store (.+)$")]
    private static partial Regex StoreLine();
}
