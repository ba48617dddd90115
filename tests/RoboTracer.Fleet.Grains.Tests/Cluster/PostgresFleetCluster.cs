using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.TestingHost;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Postgres;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Grains.Tasks;
using RoboTracer.Fleet.Grains.Tests.Support;
using RoboTracer.Fleet.Grains.Tracing;

namespace RoboTracer.Fleet.Grains.Tests.Cluster;

/// <summary>
/// The fleet's grains on a TestingHost cluster of several silos on a real PostgreSQL: ADO.NET clustering and
/// reminders in the store's schema, each silo with its own event store on the same database, as orchestrator nodes
/// run. Membership is tuned so that a killed silo is declared dead within seconds; tasks resume every 2 s.
/// </summary>
public sealed class PostgresFleetCluster : IAsyncDisposable
{
    private const string ConnectionStringKey = "FleetTests:StoreConnectionString";

    private readonly short _silos;
    // Reminders belong to the service, across clusters: a cluster started again finds those of the one before.
    private readonly string _serviceId = "fleet-" + Guid.NewGuid().ToString("N");

    private PostgresFleetCluster(LocalPostgresCluster server, short silos)
    {
        Server = server;
        _silos = silos;
    }

    public LocalPostgresCluster Server { get; }

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public static async Task<PostgresFleetCluster> StartAsync(short silos)
    {
        var server = await LocalPostgresCluster.StartAsync();
        try
        {
            // Migrated once before the silos start, as the first orchestrator does before its silo joins.
            await using (await PostgresEventStore.OpenAsync(server.ConnectionString))
            {
            }
            var fleet = new PostgresFleetCluster(server, silos);
            fleet.Cluster = await fleet.DeployAsync();
            return fleet;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills every silo (and the client) at once, then starts a new cluster on the same database.</summary>
    public async Task KillAllAndRestartAsync()
    {
        foreach (var silo in Cluster.GetActiveSilos().ToList())
        {
            await Cluster.KillSiloAsync(silo);
        }
        await Cluster.KillClientAsync();
        await Cluster.DisposeAsync();
        Cluster = await DeployAsync();
    }

    private async Task<TestCluster> DeployAsync()
    {
        var builder = new TestClusterBuilder(_silos);
        builder.Options.ServiceId = _serviceId;
        builder.Options.UseTestClusterMembership = false;
        builder.Properties[ConnectionStringKey] = Server.ConnectionString;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Server.DisposeAsync();
    }

    private static string StoreConnectionString(IConfiguration configuration) =>
        configuration[ConnectionStringKey] ?? throw new InvalidOperationException($"{ConnectionStringKey} is not set.");

    private static void UseAdoNet(IConfiguration configuration, Action<string> use) =>
        use(OrleansAdoNet.ConnectionString(StoreConnectionString(configuration)));

    public sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            UseAdoNet(siloBuilder.Configuration, orleans =>
            {
                siloBuilder.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (OrleansAdoNet.Invariant, orleans));
                siloBuilder.UseAdoNetReminderService(o => (o.Invariant, o.ConnectionString) = (OrleansAdoNet.Invariant, orleans));
            });
            siloBuilder.Configure<ClusterMembershipOptions>(o =>
            {
                // Suspected after two missed 1 s probes; with few silos left, one vote declares it dead.
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
            });
            siloBuilder.AddFleetGrains(
                new RobotOptions { HeartbeatTimeout = TimeSpan.FromSeconds(10) },
                new TaskOptions { ResumePeriod = TimeSpan.FromSeconds(2), WaitForFirstFrame = false, StepTimeout = TimeSpan.FromSeconds(30) });
            var services = siloBuilder.Services;
            services.AddSingleton(sp => new StoreHost(StoreConnectionString(sp.GetRequiredService<IConfiguration>())));
            services.AddHostedService(sp => sp.GetRequiredService<StoreHost>());
            services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<StoreHost>().Store);
            services.AddSingleton<IPlanner, FakePlanner>();
            services.AddSingleton<ISpatialTracer, FakeTracer>();
        }
    }

    public sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
        {
            UseAdoNet(configuration, orleans => clientBuilder.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (OrleansAdoNet.Invariant, orleans)));
            clientBuilder.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            clientBuilder.Services.AddFleetSerialization();
        }
    }

    /// <summary>Opens the silo's event store before the silo starts and closes it after it stopped, as FleetNode does.</summary>
    private sealed class StoreHost(string connectionString) : IHostedLifecycleService
    {
        private IEventStore? _store;

        public IEventStore Store => _store ?? throw new InvalidOperationException("The store is not open.");

        public async Task StartingAsync(CancellationToken cancellationToken) =>
            _store = await PostgresEventStore.OpenAsync(connectionString, cancellationToken: cancellationToken);

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StoppedAsync(CancellationToken cancellationToken)
        {
            if (_store is not null)
            {
                await _store.DisposeAsync();
            }
        }
    }
}
