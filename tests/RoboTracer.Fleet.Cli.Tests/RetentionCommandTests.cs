using System.Text;
using System.Text.Json;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Sqlite;

namespace RoboTracer.Fleet.Cli.Tests;

/// <summary><c>retention</c> on a SQLite event store: finished task streams older than the limit go, nothing else does.</summary>
public sealed class RetentionCommandTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    private string Database => _directory["fleet.db"];

    public async Task InitializeAsync()
    {
        var clock = new FixedClock(DateTimeOffset.UtcNow.AddDays(-40));
        await using var store = await SqliteEventStore.OpenAsync(Database, new EventStoreOptions { TimeProvider = clock });
        await AppendAsync(store, "task-old-done", "TaskSubmitted", "TaskCompleted");
        await AppendAsync(store, "task-old-failed", "TaskSubmitted", "TaskPlanned", "TaskFailed");
        await AppendAsync(store, "task-old-running", "TaskSubmitted", "TaskPlanned");
        await AppendAsync(store, "robot-sim-1", "RobotRegistered", "RobotWentOffline");
        clock.Now = DateTimeOffset.UtcNow.AddDays(-1);
        await AppendAsync(store, "task-new-done", "TaskSubmitted", "TaskCompleted");
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Retention_archives_then_drops_only_finished_tasks_older_than_the_limit()
    {
        var archive = _directory["archive"];

        var run = await FleetCli.RunAsync("retention", "--store", $"sqlite:{Database}", "--older-than", "30", "--archive", archive);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.LastLine);
        Assert.False(json.RootElement.GetProperty("dryRun").GetBoolean());
        Assert.Equal(2, json.RootElement.GetProperty("tasks").GetInt32());
        Assert.Equal(5, json.RootElement.GetProperty("events").GetInt64());
        var file = json.RootElement.GetProperty("archive").GetString()!;
        Assert.Equal(archive, Path.GetDirectoryName(file));
        var archived = File.ReadAllLines(file).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("stream").GetString()).ToList();
        Assert.Equal(["task-old-done", "task-old-done", "task-old-failed", "task-old-failed", "task-old-failed"], archived);
        Assert.Equal(
            new Dictionary<string, int> { ["task-old-done"] = 0, ["task-old-failed"] = 0, ["task-old-running"] = 2, ["robot-sim-1"] = 2, ["task-new-done"] = 2 },
            await CountsAsync());
    }

    [Fact]
    public async Task A_dry_run_lists_what_would_go_and_changes_and_writes_nothing()
    {
        var archive = _directory["archive"];

        var run = await FleetCli.RunAsync("retention", "--store", $"sqlite:{Database}", "--older-than", "30", "--archive", archive, "--dry-run");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["would drop task-old-done", "would drop task-old-failed"], run.Lines[..2]);
        using var json = JsonDocument.Parse(run.LastLine);
        Assert.True(json.RootElement.GetProperty("dryRun").GetBoolean());
        Assert.Equal(2, json.RootElement.GetProperty("tasks").GetInt32());
        Assert.Equal(5, json.RootElement.GetProperty("events").GetInt64());
        Assert.False(Directory.Exists(archive));
        Assert.All((await CountsAsync()).Values, count => Assert.True(count >= 2));
    }

    [Fact]
    public async Task A_shorter_limit_takes_the_newer_finished_task_too()
    {
        var run = await FleetCli.RunAsync("retention", "--store", $"sqlite:{Database}", "--older-than", "0.5");

        Assert.True(run.ExitCode == 0, run.ToString());
        var counts = await CountsAsync();
        Assert.Equal(0, counts["task-new-done"]);
        Assert.Equal(2, counts["task-old-running"]);
    }

    [Theory]
    [InlineData("mysql:fleet", "--store must be sqlite:PATH or postgres:CONNECTION-STRING")]
    [InlineData("sqlite:", "--store must be sqlite:PATH or postgres:CONNECTION-STRING")]
    [InlineData("sqlite:MISSING", "no SQLite event store at")]
    public async Task A_bad_store_exits_2_and_creates_no_database(string store, string message)
    {
        var missing = _directory["missing.db"];

        var run = await FleetCli.RunAsync("retention", "--store", store.Replace("MISSING", missing, StringComparison.Ordinal), "--older-than", "30");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task A_negative_age_is_a_usage_error()
    {
        var run = await FleetCli.RunAsync("retention", "--store", $"sqlite:{Database}", "--older-than", "-1");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--older-than must be a number of days", run.Error, StringComparison.Ordinal);
    }

    private static async Task AppendAsync(SqliteEventStore store, string stream, params string[] types) =>
        await store.AppendAsync(stream, ExpectedVersion.NoStream, [.. types.Select(t => new EventData(t, Encoding.UTF8.GetBytes("{\"at\":\"x\"}")))]);

    private async Task<Dictionary<string, int>> CountsAsync()
    {
        await using var store = await SqliteEventStore.OpenAsync(Database);
        var counts = new Dictionary<string, int>();
        foreach (var stream in (string[])["task-old-done", "task-old-failed", "task-old-running", "robot-sim-1", "task-new-done"])
        {
            var n = 0;
            await foreach (var _ in store.ReadStreamAsync(stream))
            {
                n++;
            }
            counts[stream] = n;
        }
        return counts;
    }
}
