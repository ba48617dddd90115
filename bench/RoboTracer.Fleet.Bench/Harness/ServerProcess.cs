using System.Diagnostics;
using System.Text.Json;

namespace RoboTracer.Fleet.Bench.Harness;

/// <summary>
/// A server under test in its own process, speaking the peers' start-up protocol (tests/peers/echo_server.py): the
/// first stdout line is <c>{"event":"listening","port":N}</c>, and closing its stdin shuts it down, so it also
/// dies with this process. Its stderr is passed through to ours, prefixed with its name.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const int ForwardedLines = 40;

    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly Task _stdoutDrain;
    private readonly Task _stderrForward;

    private ServerProcess(string name, Process process, int port, int? httpPort, Task stdoutDrain, Task stderrForward)
    {
        Name = name;
        _process = process;
        Port = port;
        HttpPort = httpPort;
        _stdoutDrain = stdoutDrain;
        _stderrForward = stderrForward;
    }

    public string Name { get; }

    public int Port { get; }

    /// <summary>A second, HTTP/1.1 endpoint, for servers that say <c>"http_port":N</c> in their listening line.</summary>
    public int? HttpPort { get; }

    public int ProcessId => _process.Id;

    public string Address => $"http://127.0.0.1:{Port}";

    public static async Task<ServerProcess> StartAsync(string name, ProcessStartInfo startInfo, TimeSpan timeout, CancellationToken cancellationToken)
    {
        startInfo.RedirectStandardInput = true;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        var process = Process.Start(startInfo)
            ?? throw new BenchmarkFailedException($"{name}: could not start {startInfo.FileName}.");
        var stderrForward = ForwardAsync(name, process.StandardError);
        try
        {
            using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            startup.CancelAfter(timeout);
            string? line;
            try
            {
                line = await process.StandardOutput.ReadLineAsync(startup.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new BenchmarkFailedException($"{name}: no 'listening' line within {timeout.TotalSeconds:0} s.");
            }
            var (port, httpPort) = ParseListening(name, line);
            // Later stdout lines (the peer's call events) are read and dropped so the child never blocks on a full pipe.
            var stdoutDrain = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
            return new ServerProcess(name, process, port, httpPort, stdoutDrain, stderrForward);
        }
        catch
        {
            Kill(process);
            await stderrForward.ConfigureAwait(false);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var grace = new CancellationTokenSource(ExitGrace);
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            Kill(_process);
        }
        await Task.WhenAll(_stdoutDrain, _stderrForward).ConfigureAwait(false);
        _process.Dispose();
    }

    private static (int Port, int? HttpPort) ParseListening(string name, string? line)
    {
        if (line is null)
        {
            throw new BenchmarkFailedException($"{name}: exited before it was listening (see its stderr above).");
        }
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.GetProperty("event").GetString() == "listening" && root.GetProperty("port").TryGetInt32(out var port) && port > 0)
            {
                return (port, root.TryGetProperty("http_port", out var http) && http.TryGetInt32(out var httpPort) ? httpPort : null);
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // Reported below with the line itself.
        }
        throw new BenchmarkFailedException($"{name}: expected {{\"event\":\"listening\",\"port\":N}} as the first line, got: {line}");
    }

    /// <summary>
    /// Passes the child's stderr through, up to <see cref="ForwardedLines"/> lines: enough to see what a server
    /// complains about, without a flood of repeated log entries burying the progress lines.
    /// </summary>
    private static async Task ForwardAsync(string name, StreamReader reader)
    {
        var lines = 0;
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                if (++lines <= ForwardedLines)
                {
                    Console.Error.WriteLine($"  [{name}] {line}");
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke with the process; nothing more to forward.
        }
        if (lines > ForwardedLines)
        {
            Console.Error.WriteLine($"  [{name}] ... and {lines - ForwardedLines} more stderr lines, not shown");
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            // Only our own child (and whatever it started), never anything found by name.
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
