using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RoboTracer.Fleet.AppHost.IntegrationTests;

/// <summary>
/// The AppHost as its own process (<c>dotnet RoboTracer.Fleet.AppHost.dll OPTIONS</c>, what <c>dotnet run</c> starts),
/// with the environment of the launch profile on free ports. Every process of its fleet is found by a marker
/// variable: DCP and the resources it starts inherit the AppHost's environment.
/// </summary>
internal sealed class AppHostProcess : IAsyncDisposable
{
    private const string MarkerVariable = "ROBOTRACER_APPHOST_TEST_RUN";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _marker;
    // Completed (and replaced) whenever a line arrives: what WaitForOutputAsync awaits.
    private TaskCompletionSource _printed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppHostProcess(Process process, string dataDirectory, string marker)
    {
        _process = process;
        DataDirectory = dataDirectory;
        _marker = marker;
    }

    public string DataDirectory { get; }

    public int Id => _process.Id;

    /// <summary>Everything the AppHost printed so far, stdout and stderr.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static AppHostProcess Start(params string[] options)
    {
        var data = Path.Combine(Path.GetTempPath(), "fleet-apphost-" + Guid.NewGuid().ToString("N")[..8]);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { typeof(FleetEndpoints).Assembly.Location, "--data", data }.Concat(options))
        {
            start.ArgumentList.Add(argument);
        }
        // The http launch profile's variables (Properties/launchSettings.json), on free ports.
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        start.Environment["ASPNETCORE_URLS"] = $"http://localhost:{FreePort()}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{FreePort()}";
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{FreePort()}";
        start.Environment["FLEET_API_TOKEN"] = "apphost-process-test-token";
        start.Environment.Remove("ConnectionStrings__fleetdb");
        var marker = Guid.NewGuid().ToString("N");
        start.Environment[MarkerVariable] = marker;
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var host = new AppHostProcess(process, data, marker);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits until the AppHost printed <paramref name="text"/>; fails with its output if it exits first.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var exited = _process.WaitForExitAsync(deadline.Token);
        while (true)
        {
            Task printed;
            lock (_output)
            {
                if (_output.ToString().Contains(text, StringComparison.Ordinal))
                {
                    return;
                }
                printed = _printed.Task;
            }
            try
            {
                if (await Task.WhenAny(printed, exited).WaitAsync(deadline.Token) == exited && !printed.IsCompleted)
                {
                    // Its last lines may still be on their way: the streams end after the process.
                    _process.WaitForExit();
                    if (!Output.Contains(text, StringComparison.Ordinal))
                    {
                        throw new TimeoutException($"the AppHost exited without printing '{text}'; output:\n{Output}");
                    }
                    return;
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"the AppHost did not print '{text}' within {timeout.TotalSeconds} s; output:\n{Output}");
            }
        }
    }

    /// <summary>
    /// Waits until the AppHost says that <paramref name="resource"/> runs ("NAME is running (pid N)", one line per
    /// replica as its state turns Running) and returns the pid DCP started for it (the first replica's).
    /// </summary>
    public async Task<int> WaitForRunningAsync(string resource, TimeSpan timeout)
    {
        var line = $"{resource} is running (pid ";
        await WaitForOutputAsync(line, timeout);
        var output = Output;
        var from = output.IndexOf(line, StringComparison.Ordinal) + line.Length;
        var pid = output[from..output.IndexOf(')', from)];
        return int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new FormatException($"'{line}' is followed by '{pid}', not a pid; output:\n{output}");
    }

    /// <summary>Waits until the AppHost exits and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill!.WaitForExitAsync();
    }

    /// <summary>The live processes of this AppHost's fleet (DCP, the dashboard, the services, PostgreSQL) whose command line contains <paramref name="text"/>.</summary>
    public IReadOnlyList<int> FleetProcesses(string text = "") =>
        [.. ProcessTree.WithCommandLine(text).Where(pid => pid != _process.Id && ProcessTree.IsAlive(pid) && HasMarker(pid))];

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await SignalAsync("TERM");
            try
            {
                await WaitForExitAsync(TimeSpan.FromSeconds(60));
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        // Whatever the test did, leave none of this fleet's processes behind for the next test.
        foreach (var pid in FleetProcesses())
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone meanwhile.
            }
        }
        _process.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The temp folder is the system's to clean.
        }
    }

    private bool HasMarker(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains($"{MarkerVariable}={_marker}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        TaskCompletionSource printed;
        lock (_output)
        {
            _output.AppendLine(line);
            printed = _printed;
            _printed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        printed.TrySetResult();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
