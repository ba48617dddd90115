using System.Text.Json;
using System.Text.Json.Nodes;

namespace RoboTracer.Fleet.Cli.Tests;

/// <summary>
/// submit, tasks, robots, watch, replay against an in-test server that speaks the REST contract: the happy paths,
/// and the failures scripts rely on (server down, token rejected, problem+json, not found, server error).
/// </summary>
public sealed class FleetApiCommandTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private FakeFleetServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeFleetServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _directory.Dispose();
    }

    private Dictionary<string, string?> Environment => new()
    {
        ["FLEET_SERVER"] = _server.Url,
        ["FLEET_API_TOKEN"] = FakeFleetServer.Token,
    };

    [Fact]
    public async Task A_server_that_is_down_exits_3_and_says_how_to_point_elsewhere()
    {
        var closed = ClosedPort.Url();

        var run = await FleetCli.RunAsync("tasks", "--server", closed);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains($"cannot reach the fleet at {closed}/: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("is it running? set --server or FLEET_SERVER", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_option_wins_over_the_environment()
    {
        var environment = new Dictionary<string, string?> { ["FLEET_SERVER"] = ClosedPort.Url() };

        var run = await FleetCli.RunAsync(["robots", "--server", _server.Url], environment);

        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public async Task A_wrong_token_exits_4_and_submits_nothing()
    {
        var run = await FleetCli.RunAsync("submit", "put the cup in the sink", "--server", _server.Url, "--token", "wrong");

        Assert.Equal(4, run.ExitCode);
        Assert.Contains("the server rejected the API token; set --token or FLEET_API_TOKEN", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, _server.TaskCount);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task A_missing_token_exits_4_and_says_where_to_set_one()
    {
        var run = await FleetCli.RunAsync("submit", "put the cup in the sink", "--server", _server.Url);

        Assert.Equal(4, run.ExitCode);
        Assert.Contains("the server wants an API token; set --token or FLEET_API_TOKEN", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_takes_server_and_token_from_the_environment_and_prints_the_task_id()
    {
        var run = await FleetCli.RunAsync(["submit", "put the cup in the sink"], Environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["t1"], run.Lines);
        Assert.Contains($"POST /api/tasks Bearer {FakeFleetServer.Token}", _server.Requests);
    }

    [Fact]
    public async Task A_problem_from_the_server_is_shown_with_its_title_and_detail_and_exits_2()
    {
        var run = await FleetCli.RunAsync(["submit", "put the cup in the sink", "--robot", "r9"], Environment);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("the server refused POST /api/tasks: Unknown robot: no robot r9 in the fleet", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_watch_follows_the_task_to_completion_and_exits_0()
    {
        var run = await FleetCli.RunAsync(["submit", "put the cup in the sink, then wipe the table", "--robot", "sim-1", "--watch"], Environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("t1", run.Lines[0]);
        var text = run.Out;
        Assert.Equal(1, Count(text, "planned 2 steps by rule"));
        Assert.Equal(1, Count(text, "step 1: trace tr-0 with 3 points to sim-1"));
        Assert.Equal(2, Count(text, "executing 50%"));
        Assert.Equal(1, Count(text, "step 2: succeeded: placed"));
        Assert.DoesNotContain("RobotReserved", text, StringComparison.Ordinal);
        Assert.Equal("task t1 completed: 2/2 steps", run.LastLine);
        // History first, then the stream from just after it (never from the start, never from "now").
        var requests = _server.Requests;
        var events = requests.ToList().FindIndex(r => r.StartsWith("GET /api/tasks/t1/events", StringComparison.Ordinal));
        var stream = requests.ToList().FindIndex(r => r.StartsWith("GET /api/stream?after=1 ", StringComparison.Ordinal));
        Assert.True(events >= 0 && stream > events, string.Join("\n", requests));
    }

    [Theory]
    [InlineData("Failed", "task t1 failed after 0/2 steps: Grasp: the cup slipped three times")]
    [InlineData("Cancelled", "task t1 cancelled after 0/2 steps")]
    [InlineData("PlanningFailed", "task t1 failed before it had a plan: Planning: no 'red block' in scene table-sim-1")]
    public async Task Submit_watch_exits_1_when_the_task_does_not_complete(string outcome, string last)
    {
        _server.Outcome = outcome;

        var run = await FleetCli.RunAsync(["submit", "put the cup in the sink", "--watch"], Environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(last, run.LastLine);
    }

    [Fact]
    public async Task Watch_a_finished_task_prints_its_history_and_ends()
    {
        var id = (await FleetCli.RunAsync(["submit", "put the cup in the sink", "--watch"], Environment)).Lines[0];

        var run = await FleetCli.RunAsync(["watch", "--task", id], Environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("completed", run.Lines[^2], StringComparison.Ordinal);
        Assert.Equal($"task {id} completed: 2/2 steps", run.LastLine);
    }

    [Fact]
    public async Task Tasks_filters_by_phase_and_prints_a_table_or_json()
    {
        await FleetCli.RunAsync(["submit", "put the cup in the sink", "--watch"], Environment);
        await FleetCli.RunAsync(["submit", "wipe the table"], Environment);

        var completed = await FleetCli.RunAsync(["tasks", "--phase", "completed"], Environment);
        var all = await FleetCli.RunAsync(["tasks", "--json"], Environment);
        var bad = await FleetCli.RunAsync(["tasks", "--phase", "Executing"], Environment);

        Assert.True(completed.ExitCode == 0, completed.ToString());
        Assert.Contains(_server.Requests, r => r.StartsWith("GET /api/tasks?phase=Completed ", StringComparison.Ordinal));
        Assert.Contains("put the cup in the sink", completed.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("wipe the table", completed.Out, StringComparison.Ordinal);
        Assert.Contains("2/2", completed.Out, StringComparison.Ordinal);
        var array = JsonNode.Parse(all.Out)!.AsArray();
        Assert.Equal(["t2", "t1"], array.Select(t => (string?)t!["id"]));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--phase must be one of Submitted, Planning, WaitingForRobot, Assigned, Paused, Completed, Failed, Cancelled", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Robots_prints_connection_battery_and_current_step()
    {
        var run = await FleetCli.RunAsync(["robots"], Environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        var row = run.Lines.Single(l => l.Contains("sim-1", StringComparison.Ordinal));
        foreach (var cell in (string[])["Arm", "table-sim-1", "Online", "80%", "t9", "2 Executing 25%"])
        {
            Assert.Contains(cell, row, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_server_error_exits_6_with_the_servers_detail()
    {
        _server.FailRobots = true;

        var run = await FleetCli.RunAsync(["robots"], Environment);

        Assert.Equal(6, run.ExitCode);
        Assert.Contains("500", run.Error, StringComparison.Ordinal);
        Assert.Contains("the robot directory is not activated", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_of_an_unknown_task_exits_5()
    {
        var run = await FleetCli.RunAsync(["replay", "nope"], Environment);

        Assert.Equal(5, run.ExitCode);
        Assert.Contains("Task not found: no task nope", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_waits_the_recorded_gaps_divided_by_speed_capped_by_max_gap()
    {
        var id = _server.AddFinishedTask(
            ("TaskSubmitted", 0, new JsonObject { ["instruction"] = "replay me" }),
            ("TaskPlanned", 2, new JsonObject { ["plan"] = new JsonObject { ["steps"] = new JsonArray(new JsonObject()) } }),
            ("StepExecutionReported", 3, new JsonObject { ["stepIndex"] = 0, ["state"] = "Executing", ["progress"] = 0.5 }),
            ("TaskCompleted", 403, new JsonObject()));
        var clock = new RecordingTimeProvider();

        var run = await FleetCli.RunAsync(["replay", id, "--speed", "4", "--max-gap", "30"], Environment, clock);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal([TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(30)], clock.Delays);
        Assert.Equal(5, run.Lines.Length);
        Assert.StartsWith("+00:00:03.000 StepExecutionReported", run.Lines[3], StringComparison.Ordinal);
        Assert.EndsWith("step 1: executing 50%", run.Lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exported_history_replays_the_same_from_the_file_without_the_server()
    {
        var id = (await FleetCli.RunAsync(["submit", "put the cup in the sink", "--watch"], Environment)).Lines[0];
        var file = _directory["history.jsonl"];

        var export = await FleetCli.RunAsync(["replay", id, "--export", file], Environment);
        var fromServer = await FleetCli.RunAsync(["replay", id, "--speed", "1000"], Environment, new RecordingTimeProvider());
        var fromFile = await FleetCli.RunAsync(["replay", "--import", file, "--speed", "1000", "--server", ClosedPort.Url()], FleetCli.NoEnvironment, new RecordingTimeProvider());

        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.True(fromFile.ExitCode == 0, fromFile.ToString());
        var lines = File.ReadAllLines(file);
        Assert.True(lines.Length >= 10, $"{lines.Length} events exported");
        Assert.All(lines, line => Assert.Equal($"task-{id}", JsonDocument.Parse(line).RootElement.GetProperty("stream").GetString()));
        // Everything after the header ("replaying <source>: ...") is the same events at the same offsets.
        Assert.Equal(fromServer.Lines[1..], fromFile.Lines[1..]);
        Assert.False(File.Exists(file + ".tmp"));
    }

    [Theory]
    [InlineData("not json at all", ":1: ")]
    [InlineData("", "holds no events")]
    public async Task Importing_a_bad_file_exits_2_and_names_the_line(string content, string message)
    {
        var file = _directory["bad.jsonl"];
        await File.WriteAllTextAsync(file, content);

        var run = await FleetCli.RunAsync("replay", "--import", file);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_needs_a_task_or_an_import_file()
    {
        var run = await FleetCli.RunAsync("replay");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("replay needs a task id or --import FILE", run.Error, StringComparison.Ordinal);
    }

    private static int Count(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}
