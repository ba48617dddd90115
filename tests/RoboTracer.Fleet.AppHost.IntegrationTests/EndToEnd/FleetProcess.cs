using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using RoboTracer.Fleet.AppHost.Fleet;

namespace RoboTracer.Fleet.AppHost.IntegrationTests.EndToEnd;

/// <summary>
/// The whole fleet as a user starts it: the AppHost in its own process (<c>dotnet RoboTracer.Fleet.AppHost.dll</c>),
/// which starts the store, two pool workers, the orchestrator and the simulator as its children. The test talks to
/// it over HTTP like any client and may kill its children, as an operator's bad day would.
/// </summary>
internal sealed partial class FleetProcess : IAsyncDisposable
{
    public const string Token = "e2e-api-token";

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource<Uri> _dashboard = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FleetProcess(Process process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public HttpClient Authorized { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Everything the AppHost printed so far (its own lines and its children's, prefixed).</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Starts the AppHost and waits until it says the fleet is up (or, with <paramref name="untilLine"/>, until it prints that line).</summary>
    public static async Task<FleetProcess> StartAsync(string store, IReadOnlyDictionary<string, string>? environment = null, string? untilLine = null, int silos = 1)
    {
        var data = Path.Combine(Path.GetTempPath(), "fleet-e2e-" + Guid.NewGuid().ToString("N")[..8]);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { typeof(FleetAppHost).Assembly.Location, "--port", "0", "--robots", "4", "--silos", silos.ToString(System.Globalization.CultureInfo.InvariantCulture), "--store", store, "--no-demo", "--data", data, "--duration", "600" })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["FLEET_API_TOKEN"] = Token;
        start.Environment.Remove("ConnectionStrings__fleetdb");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var fleet = new FleetProcess(process, data);
        process.OutputDataReceived += (_, e) => fleet.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => fleet.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var dashboard = await fleet._dashboard.Task.WaitAsync(TimeSpan.FromSeconds(120));
        fleet.Http.BaseAddress = dashboard;
        fleet.Authorized.BaseAddress = dashboard;
        fleet.Authorized.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (untilLine is not null)
        {
            await fleet.WaitForLineAsync(untilLine);
            return fleet;
        }
        try
        {
            await fleet._up.Task.WaitAsync(TimeSpan.FromSeconds(180));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the fleet did not come up; output:\n{fleet.Output}");
        }
        return fleet;
    }

    /// <summary>Waits until the AppHost printed a line starting with <paramref name="prefix"/>.</summary>
    public async Task WaitForLineAsync(string prefix)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (!Output.Split('\n').Any(l => l.StartsWith(prefix, StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new TimeoutException($"the AppHost never printed '{prefix}'; output:\n{Output}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>The process ids of the AppHost's children running <paramref name="assembly"/>.</summary>
    public IReadOnlyList<int> ChildProcessIds(string assembly) => [.. Children().Where(c => c.CommandLine.Contains(assembly, StringComparison.Ordinal)).Select(c => c.Id)];

    /// <summary>Sends SIGTERM, as Ctrl-C would, and returns the AppHost's exit code.</summary>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        return _process.ExitCode;
    }

    /// <summary>The process id of replica <paramref name="replica"/> (e.g. orchestrator-1), told by the service instance id the AppHost gave it.</summary>
    public int ReplicaProcessId(string assembly, string replica) =>
        ChildProcessIds(assembly).SingleOrDefault(id => File.ReadAllText($"/proc/{id}/environ").Split('\0').Contains($"OTEL_RESOURCE_ATTRIBUTES=service.instance.id={replica}")) is var pid and > 0
            ? pid
            : throw new InvalidOperationException($"no child of the AppHost is replica {replica} of {assembly}; output so far:\n{Output}");

    /// <summary>The process id of the AppHost's child whose command line names <paramref name="assembly"/>.</summary>
    public int ChildProcessId(string assembly) =>
        ChildProcessIds(assembly) is [var id, ..] ? id : throw new InvalidOperationException($"no child of the AppHost runs {assembly}; output so far:\n{Output}");

    private IEnumerable<(int Id, string CommandLine)> Children()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            (int, string)? child = null;
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // Field 4 is the parent pid; the command name (field 2) may hold spaces, so count from its ')'.
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                if (parent == _process.Id)
                {
                    child = (int.Parse(Path.GetFileName(directory), System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' '));
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            if (child is { } found)
            {
                yield return found;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: the AppHost stops its children and its PostgreSQL cleanly (Process.Kill would orphan them).
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
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
        Http.Dispose();
        Authorized.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A child still closing a file; the temp folder is cleaned by the system.
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_lines)
        {
            _lines.Add(line);
        }
        if (DashboardLine().Match(line) is { Success: true } match)
        {
            _dashboard.TrySetResult(new Uri(match.Groups[1].Value));
        }
        else if (line.StartsWith("[apphost] the fleet is up", StringComparison.Ordinal))
        {
            _up.TrySetResult();
        }
    }

    [GeneratedRegex(@"^\[apphost\] dashboard: (http://\S+)")]
    private static partial Regex DashboardLine();
}
