using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RoboTracer.Fleet.AppHost.IntegrationTests.EndToEnd;

/// <summary>
/// The AppHost as a user starts it, under Aspire.Hosting.Testing: its own Program runs with the given options, DCP
/// starts PostgreSQL (or not), the pool workers, the orchestrator replicas and the simulator as real processes. The
/// test talks to the orchestrator over HTTP like any client, reads every resource's console log, and may kill a
/// service's process, as an operator's bad day would.
/// </summary>
internal sealed class FleetApp : IAsyncDisposable
{
    public const string Token = "aspire-e2e-api-token";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _logs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();

    private FleetApp(DistributedApplication app, string dataDirectory)
    {
        App = app;
        DataDirectory = dataDirectory;
    }

    public DistributedApplication App { get; }

    public string DataDirectory { get; }

    public HttpClient Http { get; private set; } = null!;

    public HttpClient Authorized { get; private set; } = null!;

    /// <summary>The Aspire dashboard's address, when started with it.</summary>
    public Uri? Dashboard { get; private set; }

    /// <summary>The AppHost's configuration (AppHost:BrowserToken, AppHost:DashboardApiKey…).</summary>
    public IConfiguration Configuration => App.Services.GetRequiredService<IConfiguration>();

    /// <summary>
    /// Starts the fleet with 4 robots and waits until every resource is healthy (the simulator, which has no health
    /// check, running) and the robots are online.
    /// </summary>
    public static async Task<FleetApp> StartAsync(string store, int silos = 1, bool dashboard = false)
    {
        var data = Path.Combine(Path.GetTempPath(), "fleet-aspire-" + Guid.NewGuid().ToString("N")[..8]);
        string[] args = ["--port", "0", "--robots", "4", "--silos", silos.ToString(CultureInfo.InvariantCulture), "--store", store, "--no-demo", "--data", data];
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync(typeof(FleetEndpoints), args, (options, host) =>
        {
            options.DisableDashboard = !dashboard;
            options.AllowUnsecuredTransport = true;
            var settings = new Dictionary<string, string?>
            {
                [FleetSecretsVariable] = Token,
                // An external PostgreSQL in the test machine's environment must not replace the store asked for.
                ["ConnectionStrings:fleetdb"] = "",
            };
            if (dashboard)
            {
                settings["ASPNETCORE_URLS"] = $"http://localhost:{FreePort()}";
                settings["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{FreePort()}";
                settings["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{FreePort()}";
            }
            // A source of its own: setting keys on the manager would only reach the sources it has so far.
            host.Configuration!.AddInMemoryCollection(settings);
        }, timeout.Token);
        var app = await builder.BuildAsync(timeout.Token);
        var fleet = new FleetApp(app, data);
        try
        {
            _ = fleet.CollectLogsAsync();
            await app.StartAsync(timeout.Token);
            var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
            string[] healthChecked = store == "postgres" ? ["postgres", "pool-1", "pool-2"] : ["pool-1", "pool-2"];
            foreach (var name in healthChecked)
            {
                await notifications.WaitForResourceHealthyAsync(name, timeout.Token);
            }
            await fleet.WaitForHealthyReplicasAsync("orchestrator", silos, timeout.Token);
            await notifications.WaitForResourceAsync("simulator", KnownResourceStates.Running, timeout.Token);
            fleet.Http = app.CreateHttpClient("orchestrator", "http");
            fleet.Http.Timeout = TimeSpan.FromSeconds(60);
            fleet.Authorized = app.CreateHttpClient("orchestrator", "http");
            fleet.Authorized.Timeout = TimeSpan.FromSeconds(60);
            fleet.Authorized.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            if (dashboard)
            {
                // Aspire.Hosting.Testing randomizes proxy ports: the dashboard is where its resource's endpoint says.
                await notifications.WaitForResourceAsync(DashboardResource, KnownResourceStates.Running, timeout.Token);
                fleet.Dashboard = app.GetEndpoint(DashboardResource, "http");
            }
            return fleet;
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            var logs = fleet.AllLogs();
            await fleet.DisposeAsync();
            throw new TimeoutException($"the fleet did not become healthy within {StartTimeout.TotalMinutes} min; resource logs:\n{logs[^Math.Min(logs.Length, 8000)..]}", e);
        }
    }

    /// <summary>Waits until <paramref name="count"/> replicas of <paramref name="name"/> report healthy.</summary>
    public async Task WaitForHealthyReplicasAsync(string name, int count, CancellationToken cancellationToken)
    {
        var healthy = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var change in App.Services.GetRequiredService<ResourceNotificationService>().WatchAsync(cancellationToken))
        {
            if (change.Resource.Name != name)
            {
                continue;
            }
            if (change.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy && change.Snapshot.State?.Text == KnownResourceStates.Running)
            {
                healthy.Add(change.ResourceId);
            }
            else
            {
                healthy.Remove(change.ResourceId);
            }
            if (healthy.Count >= count)
            {
                return;
            }
        }
    }

    /// <summary>The ids (DCP names, e.g. orchestrator-abcdefgh) of the running replicas of <paramref name="name"/>, with the pid DCP started.</summary>
    public async Task<IReadOnlyList<(string ResourceId, int LauncherPid)>> ReplicasAsync(string name)
    {
        var replicas = new Dictionary<string, int>(StringComparer.Ordinal);
        using var snapshot = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            // WatchAsync replays the current state of every resource first.
            await foreach (var change in App.Services.GetRequiredService<ResourceNotificationService>().WatchAsync(snapshot.Token))
            {
                if (change.Resource.Name == name && change.Snapshot.State?.Text == KnownResourceStates.Running
                    && LauncherPid(change.Snapshot) is { } pid)
                {
                    replicas[change.ResourceId] = pid;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The replay is over.
        }
        return [.. replicas.Select(r => (r.Key, r.Value)).OrderBy(r => r.Key, StringComparer.Ordinal)];
    }

    /// <summary>The pid DCP started for a replica (<c>dotnet run --no-build</c> for a project), from its snapshot.</summary>
    public static int? LauncherPid(CustomResourceSnapshot snapshot) => ServiceProcess.LauncherPid(snapshot);

    /// <summary>
    /// The service's own process under the launcher DCP started (<c>dotnet run --no-build</c> runs the service as its
    /// child): the process that really serves, the one a crash kills.
    /// </summary>
    public static int ServiceProcessOf(int launcherPid)
    {
        var children = ProcessTree.ChildrenOf(launcherPid);
        return children.Count == 1 ? children[0] : throw new InvalidOperationException($"launcher {launcherPid} has {children.Count} children, expected the service alone");
    }

    /// <summary>The console log lines of one resource (replica id) so far.</summary>
    public IReadOnlyList<string> Logs(string resourceId) => _logs.TryGetValue(resourceId, out var lines) ? [.. lines] : [];

    /// <summary>Every resource's log, each line prefixed with its resource id, for failure messages.</summary>
    public string AllLogs() => string.Join('\n', _logs.OrderBy(l => l.Key, StringComparer.Ordinal).SelectMany(l => l.Value.Select(line => $"[{l.Key}] {line}")));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await App.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        }
        catch (OperationCanceledException)
        {
            // Disposing below stops DCP's resources anyway.
        }
        await App.DisposeAsync();
        Http?.Dispose();
        Authorized?.Dispose();
        _stop.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The temp folder is the system's to clean.
        }
    }

    private const string FleetSecretsVariable = "FLEET_API_TOKEN";

    private const string DashboardResource = "aspire-dashboard";

    private async Task CollectLogsAsync()
    {
        var watching = new HashSet<string>(StringComparer.Ordinal);
        var loggers = App.Services.GetRequiredService<ResourceLoggerService>();
        try
        {
            await foreach (var change in App.Services.GetRequiredService<ResourceNotificationService>().WatchAsync(_stop.Token))
            {
                if (watching.Add(change.ResourceId))
                {
                    var lines = _logs.GetOrAdd(change.ResourceId, _ => new ConcurrentQueue<string>());
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            await foreach (var batch in loggers.WatchAsync(change.ResourceId).WithCancellation(_stop.Token))
                            {
                                foreach (var line in batch)
                                {
                                    lines.Enqueue(line.Content);
                                }
                            }
                        }
                        catch (OperationCanceledException)
                        {
                            // Stopped.
                        }
                    });
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
