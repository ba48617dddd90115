using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime.MembershipService;
using RoboTracer.Fleet.EventStore.IntegrationTests.Postgres;

namespace RoboTracer.Fleet.EventStore.IntegrationTests.Orleans;

/// <summary>Two real silos (Orleans.TestingHost) clustering and keeping reminders in a freshly migrated store schema.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansClusterTests(PostgresFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(40);

    private readonly string _schema = fixture.NewSchema();

    [Fact]
    public async Task Two_silos_form_a_cluster_and_a_killed_silos_grain_comes_back_on_the_other()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var orleans = await OrleansTestCluster.MigrateAsync(fixture.ConnectionString, _schema);
        await using var cluster = await OrleansTestCluster.StartAsync(orleans, deadline.Token);
        var membership = await OrleansTestCluster.MembershipTableAsync(orleans, cluster.Options.ClusterId);
        var silos = cluster.Silos.ToList();
        Assert.Equal(2, silos.Count);

        await Poll.UntilAsync(() => StatusesAsync(membership), s => silos.All(silo => s.GetValueOrDefault(silo.SiloAddress) == SiloStatus.Active), Timeout, "both silos Active in the membership table");
        var grain = cluster.Client.GetGrain<IWhereGrain>("where");
        var host = await grain.WhereAsync();
        var victim = Assert.Single(silos, s => s.SiloAddress.Equals(host));
        var survivor = Assert.Single(silos, s => s != victim).SiloAddress;

        await cluster.KillSiloAsync(victim);

        await Poll.UntilAsync(grain.WhereAsync, where => where.Equals(survivor), Timeout, "the grain answering from the other silo");
        var statuses = await Poll.UntilAsync(() => StatusesAsync(membership), s => s.GetValueOrDefault(host) == SiloStatus.Dead, Timeout, "the killed silo Dead in the membership table");
        Assert.Equal(SiloStatus.Active, statuses[survivor]);
    }

    [Fact]
    public async Task A_reminder_ticks_is_kept_in_the_reminder_table_and_unregistering_deletes_its_row()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var orleans = await OrleansTestCluster.MigrateAsync(fixture.ConnectionString, _schema);
        await using var cluster = await OrleansTestCluster.StartAsync(orleans, deadline.Token);
        var grain = cluster.Client.GetGrain<ITickGrain>("ticker");
        var reminders = cluster.GetSiloServiceProvider().GetRequiredService<IReminderTable>();

        await grain.StartAsync(TimeSpan.FromSeconds(1));

        await Poll.UntilAsync(grain.TicksAsync, ticks => ticks >= 2, Timeout, "two reminder ticks");
        var row = await reminders.ReadRow(grain.GetGrainId(), TickGrain.ReminderName);
        Assert.NotNull(row);
        Assert.Equal((grain.GetGrainId(), TimeSpan.FromSeconds(1)), (row.GrainId, row.Period));
        Assert.Equal(1L, await CountReminderRowsAsync(cluster.Options.ServiceId));

        await grain.StopAsync();

        Assert.Null(await reminders.ReadRow(grain.GetGrainId(), TickGrain.ReminderName));
        Assert.Equal(0L, await CountReminderRowsAsync(cluster.Options.ServiceId));
    }

    private static async Task<Dictionary<SiloAddress, SiloStatus>> StatusesAsync(AdoNetClusteringTable membership) =>
        (await membership.ReadAllAsync()).Members.ToDictionary(m => m.Item1.SiloAddress, m => m.Item1.Status);

    private async Task<long> CountReminderRowsAsync(string serviceId)
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM {_schema}.orleans_reminders WHERE service_id = $1");
        command.Parameters.Add(new() { Value = serviceId });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
