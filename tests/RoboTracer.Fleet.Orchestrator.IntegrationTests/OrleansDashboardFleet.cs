using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RoboTracer.Fleet.Testing;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests;

/// <summary>
/// A pool worker and an orchestrator on a fresh SQLite store for the Orleans Dashboard's tests, its silo on a port
/// chosen here so a test can tell this silo in what the dashboard reports.
/// </summary>
public abstract class OrleansDashboardFleet(bool requireTokenForReads) : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fleet-orleans-" + Guid.NewGuid().ToString("N")[..8]);
    private InferenceWorker? _worker;
    private OrchestratorHost? _host;

    public int SiloPort { get; } = FreePort();

    /// <summary>The grain calls of this fixture's orchestrators, to await.</summary>
    public GrainCallWatch Calls { get; } = new();

    public OrchestratorHost Host => _host ?? throw new InvalidOperationException("not started");

    /// <summary>How the dashboard names this silo: <c>127.0.0.1:{port}@{generation}</c>.</summary>
    public string SiloAddressPrefix => $"127.0.0.1:{SiloPort}@";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _worker = await InferenceWorker.StartAsync();
        _host = await StartHostAsync();
    }

    /// <summary>Another orchestrator on this fixture's worker, with its own store and free ports.</summary>
    public Task<OrchestratorHost> StartHostAsync(IReadOnlyDictionary<string, string?>? extra = null, int? siloPort = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Fleet:RequireTokenForReads"] = requireTokenForReads ? "true" : "false",
            ["Orleans:Endpoints:SiloPort"] = (siloPort ?? SiloPort).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var store = Store.Sqlite(Path.Combine(_directory, Guid.NewGuid().ToString("N")[..8] + ".db"));
        return OrchestratorHost.StartAsync(_worker!.GrpcAddress, store, settings, services => services.AddSingleton<IIncomingGrainCallFilter>(Calls));
    }

    /// <summary>
    /// <c>/orleans/DashboardCounters</c> once it lists a silo. The dashboard's grain refreshes its counters when it is
    /// read, at most once a second (<c>CounterUpdateIntervalMs</c>), and answers from the last refresh; until its first
    /// refresh the hosts are empty. Each read that finds none waits for the refresh that read started or, when it was too
    /// soon to start one, for the silo's next counter report (every second), then reads again.
    /// </summary>
    public async Task<JsonNode> CountersAsync(HttpClient client)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var refreshed = Calls.NextCompletedAsync(GrainCallWatch.HostsRefreshed);
            var reported = Calls.NextCompletedAsync(GrainCallWatch.CountersReported);
            var counters = await FleetApi.GetAsync(client, "/orleans/DashboardCounters");
            if (counters["hosts"]!.AsArray().Count > 0)
            {
                return counters;
            }
            await Task.WhenAny(refreshed, reported).WaitAsync(deadline.Token);
        }
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }
        Directory.Delete(_directory, recursive: true);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Reads open (the default): so is the dashboard.</summary>
public sealed class OpenReadsFleet() : OrleansDashboardFleet(requireTokenForReads: false);

/// <summary><c>Fleet:RequireTokenForReads=true</c>: the dashboard needs the API token too.</summary>
public sealed class TokenReadsFleet() : OrleansDashboardFleet(requireTokenForReads: true);
