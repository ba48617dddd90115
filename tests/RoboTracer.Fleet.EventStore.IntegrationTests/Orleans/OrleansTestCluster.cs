using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;
using Orleans.TestingHost;
using RoboTracer.Fleet.EventStore.Postgres;

namespace RoboTracer.Fleet.EventStore.IntegrationTests.Orleans;

/// <summary>
/// Test clusters whose silos and client use the ADO.NET providers on a freshly migrated store schema, wired the way
/// <see cref="OrleansAdoNet"/> tells a silo host to, with membership tuned so a killed silo is declared dead in seconds.
/// </summary>
public static class OrleansTestCluster
{
    public const string ConnectionStringKey = "FleetTests:OrleansConnectionString";

    /// <summary>Opens (and so migrates) the store in <paramref name="schema"/> and returns the silos' connection string.</summary>
    public static async Task<string> MigrateAsync(string storeConnectionString, string schema)
    {
        await using var store = await PostgresEventStore.OpenAsync(storeConnectionString, schema: schema);
        return OrleansAdoNet.ConnectionString(storeConnectionString, schema);
    }

    public static async Task<TestCluster> StartAsync(string orleansConnectionString, CancellationToken cancellationToken)
    {
        var builder = new TestClusterBuilder(2);
        builder.Options.UseTestClusterMembership = false; // the ADO.NET provider is the membership under test
        builder.Options.ConfigureFileLogging = false;
        builder.Properties[ConnectionStringKey] = orleansConnectionString;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The clustering provider itself, as a silo of <paramref name="clusterId"/> would use it.</summary>
    public static async Task<AdoNetClusteringTable> MembershipTableAsync(string orleansConnectionString, string clusterId, bool createVersionRow = false)
    {
        var table = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = clusterId }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = OrleansAdoNet.Invariant, ConnectionString = orleansConnectionString }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(createVersionRow);
        return table;
    }

    /// <summary>The reminder provider itself (its class is internal: resolved the way a silo resolves it).</summary>
    public static async Task<IReminderTable> ReminderTableAsync(string orleansConnectionString, string serviceId)
    {
        var services = new ServiceCollection();
        services.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (serviceId, serviceId));
        services.UseAdoNetReminderService(o => o.Configure(ConfigureReminders(orleansConnectionString)));
        var table = services.BuildServiceProvider().GetRequiredService<IReminderTable>();
        await table.StartAsync();
        return table;
    }

    private static Action<AdoNetReminderTableOptions> ConfigureReminders(string connectionString) => o =>
    {
        o.Invariant = OrleansAdoNet.Invariant;
        o.ConnectionString = connectionString;
    };

    private static string ConnectionString(IConfiguration configuration) =>
        configuration[ConnectionStringKey] ?? throw new InvalidOperationException($"{ConnectionStringKey} is not set.");

    public sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var connectionString = ConnectionString(siloBuilder.Configuration);
            siloBuilder
                .UseAdoNetClustering(o =>
                {
                    o.Invariant = OrleansAdoNet.Invariant;
                    o.ConnectionString = connectionString;
                })
                .UseAdoNetReminderService(ConfigureReminders(connectionString))
                .Configure<ClusterMembershipOptions>(o =>
                {
                    // A silo that stops answering is suspected after two missed 1 s probes and, with one other silo
                    // left, that silo's vote is enough to declare it dead.
                    o.ProbeTimeout = TimeSpan.FromSeconds(1);
                    o.NumMissedProbesLimit = 2;
                    o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                    o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
                    o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
                })
                .Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1))
                .Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
        }
    }

    public sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
        {
            var connectionString = ConnectionString(configuration);
            clientBuilder
                .UseAdoNetClustering(o =>
                {
                    o.Invariant = OrleansAdoNet.Invariant;
                    o.ConnectionString = connectionString;
                })
                .Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1))
                .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
        }
    }
}
