using System.Text;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Postgres;

namespace RoboTracer.Fleet.Cli.Tests;

/// <summary>
/// <c>retention</c> on PostgreSQL (a throwaway server from the system's binaries), in the schema the orchestrator
/// writes (<c>--schema</c>, its Store:Schema), as the deploy/ CronJob and systemd timer run it.
/// </summary>
public sealed class RetentionPostgresTests : IAsyncLifetime
{
    private LocalPostgresCluster? _server;

    private string ConnectionString => _server!.ConnectionString;

    public async Task InitializeAsync()
    {
        _server = await LocalPostgresCluster.StartAsync();
        var clock = new FixedClock(DateTimeOffset.UtcNow.AddDays(-40));
        foreach (var schema in new[] { "fleet_a", PostgresEventStore.DefaultSchema })
        {
            await using var store = await PostgresEventStore.OpenAsync(ConnectionString, new EventStoreOptions { TimeProvider = clock }, schema);
            await store.AppendAsync("task-old-done", ExpectedVersion.NoStream, [Event("TaskSubmitted"), Event("TaskCompleted")]);
            await store.AppendAsync("task-old-running", ExpectedVersion.NoStream, [Event("TaskSubmitted")]);
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Retention_drops_finished_tasks_in_the_given_schema_only()
    {
        var run = await FleetCli.RunAsync("retention", "--store", $"postgres:{ConnectionString}", "--schema", "fleet_a", "--older-than", "30");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal((0, 1), await CountsAsync("fleet_a"));
        Assert.Equal((2, 1), await CountsAsync(PostgresEventStore.DefaultSchema));
    }

    [Fact]
    public async Task A_bad_schema_name_exits_2_naming_the_option()
    {
        var run = await FleetCli.RunAsync("retention", "--store", $"postgres:{ConnectionString}", "--schema", "Fleet-A", "--older-than", "30");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--schema: Schema name 'Fleet-A' is invalid", run.Error, StringComparison.Ordinal);
    }

    private static EventData Event(string type) => new(type, Encoding.UTF8.GetBytes("{\"at\":\"x\"}"));

    private async Task<(int Done, int Running)> CountsAsync(string schema)
    {
        await using var store = await PostgresEventStore.OpenAsync(ConnectionString, schema: schema);
        return (await CountAsync(store, "task-old-done"), await CountAsync(store, "task-old-running"));
    }

    private static async Task<int> CountAsync(IEventStore store, string stream)
    {
        var n = 0;
        await foreach (var _ in store.ReadStreamAsync(stream))
        {
            n++;
        }
        return n;
    }
}
