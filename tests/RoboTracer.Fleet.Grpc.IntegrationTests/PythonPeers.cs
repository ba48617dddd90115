using System.Diagnostics;
using System.Text.Json;

namespace RoboTracer.Fleet.Grpc.IntegrationTests;

/// <summary>
/// The grpcio interop peers in tests/peers, run with Debian's python3-grpcio (/usr/bin/python3, not whatever
/// python3 is first on PATH). ./test.sh installs them; a missing peer fails the test with what to install.
/// </summary>
public static class PythonPeers
{
    public const string Python = "/usr/bin/python3";

    public static string PeersDirectory { get; } = Path.Combine(FindRepositoryRoot(), "tests", "peers");

    /// <summary>Runs one case of echo_client.py against <paramref name="target"/> and returns its JSON verdict.</summary>
    public static async Task<JsonElement> RunClientCaseAsync(string target, string @case)
    {
        EnsurePythonGrpc();
        var start = new ProcessStartInfo(Python)
        {
            ArgumentList = { Path.Combine(PeersDirectory, "echo_client.py"), "--target", target, "--case", @case },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var output = (await stdout).Trim();
        Assert.True(process.ExitCode == 0, $"echo_client.py --case {@case} exited {process.ExitCode}: {await stderr}");
        return JsonDocument.Parse(output.Split('\n')[^1]).RootElement;
    }

    public static void EnsurePythonGrpc()
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing: install Debian's python3-grpcio (./test.sh does).");
        }
        var check = Process.Start(new ProcessStartInfo(Python, "-c \"import grpc\"") { RedirectStandardError = true })!;
        check.WaitForExit();
        if (check.ExitCode != 0)
        {
            throw new InvalidOperationException("python3-grpcio is not installed: run `apt-get install python3-grpcio` (./test.sh does).");
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RoboTracer.Fleet.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No RoboTracer.Fleet.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>tests/peers/echo_server.py as a child process; it exits when this process closes its stdin.</summary>
public sealed class PythonEchoServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _events = [];
    private readonly SemaphoreSlim _eventSignal = new(0);

    private PythonEchoServer(Process process, int port)
    {
        _process = process;
        Port = port;
        _ = Task.Run(ReadEventsAsync);
    }

    public int Port { get; }

    public string Address => $"http://127.0.0.1:{Port}";

    public static async Task<PythonEchoServer> StartAsync()
    {
        PythonPeers.EnsurePythonGrpc();
        var start = new ProcessStartInfo(PythonPeers.Python)
        {
            ArgumentList = { Path.Combine(PythonPeers.PeersDirectory, "echo_server.py"), "--port", "0", "--exit-on-stdin-close" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var first = await process.StandardOutput.ReadLineAsync(timeout.Token)
            ?? throw new InvalidOperationException("echo_server.py exited before it listened.");
        var port = JsonDocument.Parse(first).RootElement.GetProperty("port").GetInt32();
        return new PythonEchoServer(process, port);
    }

    /// <summary>Waits until the server printed an event with this name and method.</summary>
    public async Task WaitForEventAsync(string @event, string method, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            lock (_events)
            {
                if (_events.Any(line => Matches(line, @event, method)))
                {
                    return;
                }
            }
            try
            {
                await _eventSignal.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                lock (_events)
                {
                    throw new TimeoutException($"echo_server.py never reported {@event} for {method}; it reported: {string.Join(" ", _events)}");
                }
            }
        }
    }

    /// <summary>Kills the server at once (SIGKILL): no goodbye, no GOAWAY, as when a machine dies.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }

    private static bool Matches(string line, string @event, string method)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        return root.TryGetProperty("event", out var e) && e.GetString() == @event
            && root.TryGetProperty("method", out var m) && m.GetString() == method;
    }

    private async Task ReadEventsAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            lock (_events)
            {
                _events.Add(line);
            }
            _eventSignal.Release();
        }
    }
}
