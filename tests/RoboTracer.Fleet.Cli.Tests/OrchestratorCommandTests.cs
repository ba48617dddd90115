using System.Text.Json.Nodes;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Testing;

namespace RoboTracer.Fleet.Cli.Tests;

/// <summary>
/// submit, tasks, robots, replay and cancel against the real orchestrator (SQLite) with a real pool worker and a
/// scripted robot on a real RobotLink: what the CLI reads of the REST contract is what the server writes. The tests
/// share the fleet and run one after another; each uses its own robot and leaves it disconnected.
/// </summary>
public sealed class OrchestratorCommandTests(FleetFixture fleet) : IClassFixture<FleetFixture>, IDisposable
{
    private readonly TempDirectory _directory = new();

    private OrchestratorHost Host => fleet.Host;

    private Dictionary<string, string?> Environment => new()
    {
        ["FLEET_SERVER"] = Host.HttpAddress.ToString(),
        ["FLEET_API_TOKEN"] = OrchestratorHost.Token,
    };

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Submit_watch_follows_the_task_to_completion_and_exits_0()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-1", OrchestratorHost.RobotToken("robot-1"));

        var run = await WithTimeout(FleetCli.RunAsync(["submit", $"put the {robot.Labels[0]} on the {robot.Labels[1]}", "--robot", "robot-1", "--watch"], Environment));

        Assert.True(run.ExitCode == 0, run.ToString());
        var taskId = run.Lines[0];
        Assert.Contains($"submitted \"put the {robot.Labels[0]} on the {robot.Labels[1]}\" for robot robot-1", run.Out, StringComparison.Ordinal);
        Assert.Contains("planned 1 steps by ", run.Out, StringComparison.Ordinal);
        Assert.Contains("step 1: trace ", run.Out, StringComparison.Ordinal);
        Assert.Contains("step 1: executing 50%", run.Out, StringComparison.Ordinal);
        Assert.Contains("step 1: succeeded", run.Out, StringComparison.Ordinal);
        Assert.Equal($"task {taskId} completed: 1/1 steps", run.LastLine);
        var task = await FleetApi.GetAsync(Host.Http, $"/api/tasks/{taskId}");
        Assert.Equal("Completed", FleetApi.Phase(task));
    }

    [Fact]
    public async Task Tasks_and_robots_list_what_the_server_has()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-2", OrchestratorHost.RobotToken("robot-2"));
        var taskId = await FleetApi.SubmitAsync(Host, $"put the {robot.Labels[2]} on the {robot.Labels[3]}", "robot-2");
        await FleetApi.WaitForTaskAsync(Host, taskId, FleetApi.IsTerminal);

        var tasks = await FleetCli.RunAsync(["tasks"], Environment);
        var tasksJson = await FleetCli.RunAsync(["tasks", "--json", "--phase", "completed"], Environment);
        var robots = await FleetCli.RunAsync(["robots"], Environment);
        var robotsJson = await FleetCli.RunAsync(["robots", "--json"], Environment);

        Assert.True(tasks.ExitCode == 0, tasks.ToString());
        var row = Assert.Single(tasks.Lines, l => l.Contains(taskId[..8], StringComparison.Ordinal));
        Assert.Contains("Completed", row, StringComparison.Ordinal);
        Assert.Contains("robot-2", row, StringComparison.Ordinal);
        Assert.Contains("1/1", row, StringComparison.Ordinal);
        Assert.True(tasksJson.ExitCode == 0, tasksJson.ToString());
        var listed = JsonNode.Parse(tasksJson.Out)!.AsArray();
        var server = (await FleetApi.GetAsync(Host.Http, "/api/tasks?phase=Completed")).AsArray();
        Assert.Equal(server.Select(t => t!["id"]!.GetValue<string>()), listed.Select(t => t!["id"]!.GetValue<string>()));
        Assert.Contains(listed, t => t!["id"]!.GetValue<string>() == taskId && t["phase"]!.GetValue<string>() == "Completed");

        Assert.True(robots.ExitCode == 0, robots.ToString());
        var robotRow = Assert.Single(robots.Lines, l => l.Contains("robot-2", StringComparison.Ordinal));
        Assert.Contains("Online", robotRow, StringComparison.Ordinal);
        Assert.Contains("table-robot-2", robotRow, StringComparison.Ordinal);
        Assert.True(robotsJson.ExitCode == 0, robotsJson.ToString());
        var robotList = JsonNode.Parse(robotsJson.Out)!.AsArray();
        var serverRobots = (await FleetApi.GetAsync(Host.Http, "/api/robots")).AsArray();
        Assert.Equal(serverRobots.Select(r => r!["id"]!.GetValue<string>()), robotList.Select(r => r!["id"]!.GetValue<string>()));
        var listedRobot = robotList.Single(r => r!["id"]!.GetValue<string>() == "robot-2")!;
        Assert.Equal("Arm", listedRobot["kind"]!.GetValue<string>());
        Assert.Equal("Online", listedRobot["connection"]!.GetValue<string>());
    }

    [Fact]
    public async Task Replay_export_then_import_plays_the_same_events_as_the_server_has()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-3", OrchestratorHost.RobotToken("robot-3"));
        var taskId = await FleetApi.SubmitAsync(Host, $"put the {robot.Labels[0]} on the {robot.Labels[1]}, then put the {robot.Labels[2]} to the left of the {robot.Labels[1]}", "robot-3");
        await FleetApi.WaitForTaskAsync(Host, taskId, FleetApi.IsTerminal);
        var file = _directory["history.jsonl"];

        var export = await FleetCli.RunAsync(["replay", taskId, "--export", file], Environment);
        var direct = await FleetCli.RunAsync(["replay", taskId, "--speed", "1000", "--max-gap", "0"], Environment);
        var imported = await FleetCli.RunAsync(["replay", "--import", file, "--speed", "1000", "--max-gap", "0"], FleetCli.NoEnvironment);

        var events = await FleetApi.EventsAsync(Host, taskId);
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Equal($"exported {events.Count} events of task {taskId} to {file}", export.LastLine);
        var lines = await File.ReadAllLinesAsync(file);
        Assert.Equal(events.Count, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = JsonNode.Parse(lines[i])!;
            Assert.Equal(events[i]["position"]!.GetValue<long>(), line["position"]!.GetValue<long>());
            Assert.Equal(events[i]["version"]!.GetValue<long>(), line["version"]!.GetValue<long>());
            Assert.Equal(events[i]["stream"]!.GetValue<string>(), line["stream"]!.GetValue<string>());
            Assert.Equal(events[i]["type"]!.GetValue<string>(), line["type"]!.GetValue<string>());
            Assert.Equal(events[i]["recordedAt"]!.GetValue<DateTimeOffset>(), line["recordedAt"]!.GetValue<DateTimeOffset>());
            Assert.True(JsonNode.DeepEquals(events[i]["data"], line["data"]), $"event {i}: {events[i]["data"]!.ToJsonString()} != {line["data"]!.ToJsonString()}");
        }
        Assert.True(direct.ExitCode == 0, direct.ToString());
        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.StartsWith($"replaying task {taskId}: {events.Count} events", direct.Lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"replaying {file}: {events.Count} events", imported.Lines[0], StringComparison.Ordinal);
        Assert.Equal(direct.Lines[1..], imported.Lines[1..]);
        Assert.Equal(events.Count, imported.Lines.Length - 1);
        Assert.Contains("TaskCompleted", imported.LastLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tasks_fit_an_80_column_terminal_and_the_short_ids_they_show_work_in_watch_and_replay()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-5", OrchestratorHost.RobotToken("robot-5"));
        var taskId = await FleetApi.SubmitAsync(Host, $"put the {robot.Labels[0]} on the {robot.Labels[1]}, then put the {robot.Labels[2]} to the left of the {robot.Labels[1]}", "robot-5");
        await FleetApi.WaitForTaskAsync(Host, taskId, FleetApi.IsTerminal);
        var narrow = new Dictionary<string, string?>(Environment) { ["COLUMNS"] = "80" };

        var tasks = await FleetCli.RunAsync(["tasks"], narrow);

        Assert.True(tasks.ExitCode == 0, tasks.ToString());
        Assert.All(tasks.Lines, line => Assert.True(line.Length <= 80, $"{line.Length} columns: {line}"));
        var row = Assert.Single(tasks.Lines, l => l.Contains(taskId[..8], StringComparison.Ordinal));
        var shortId = row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        Assert.StartsWith(shortId, taskId, StringComparison.Ordinal);
        Assert.True(shortId.Length < taskId.Length);
        var watch = await WithTimeout(FleetCli.RunAsync(["watch", "--task", shortId], Environment));
        Assert.True(watch.ExitCode == 0, watch.ToString());
        Assert.Equal($"task {taskId} completed: 2/2 steps", watch.LastLine);
        Assert.Contains("step 2: succeeded", watch.Out, StringComparison.Ordinal);
        var replay = await FleetCli.RunAsync(["replay", shortId, "--speed", "1000", "--max-gap", "0"], Environment);
        Assert.True(replay.ExitCode == 0, replay.ToString());
        var events = await FleetApi.EventsAsync(Host, taskId);
        Assert.StartsWith($"replaying task {shortId}: {events.Count} events", replay.Lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_stops_a_running_task_and_cancelling_again_changes_nothing()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-4", OrchestratorHost.RobotToken("robot-4"));
        robot.AutoExecute = false;
        var taskId = await FleetApi.SubmitAsync(Host, $"put the {robot.Labels[0]} on the {robot.Labels[1]}", "robot-4");
        await FleetApi.ExpectAsync(Host, taskId, robot.NextAsync(OrchestratorMessage.BodyOneofCase.ExecuteTrace));

        // The short id a table shows is enough (as git takes commits).
        var run = await FleetCli.RunAsync(["cancel", taskId[..8]], Environment);
        var again = await FleetCli.RunAsync(["cancel", taskId], Environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"task {taskId} is Cancelled", run.LastLine);
        Assert.Equal("Cancelled", FleetApi.Phase(await FleetApi.GetAsync(Host.Http, $"/api/tasks/{taskId}")));
        var stop = await FleetApi.ExpectAsync(Host, taskId, robot.NextAsync(OrchestratorMessage.BodyOneofCase.CancelStep));
        Assert.Equal(taskId, stop.CancelStep.TaskId);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal($"task {taskId} is Cancelled", again.LastLine);
        Assert.Equal(1, (await FleetApi.EventsAsync(Host, taskId)).Count(e => e["type"]!.GetValue<string>() == "TaskCancelled"));
    }

    [Fact]
    public async Task Cancelling_a_completed_task_exits_2_with_the_servers_reason()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-5", OrchestratorHost.RobotToken("robot-5"));
        var taskId = await FleetApi.SubmitAsync(Host, $"put the {robot.Labels[0]} on the {robot.Labels[1]}", "robot-5");
        await FleetApi.WaitForTaskAsync(Host, taskId, FleetApi.IsTerminal);

        var run = await FleetCli.RunAsync(["cancel", taskId], Environment);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"fleet: the server refused POST /api/tasks/{taskId}/cancel: Task already finished: ", run.Error, StringComparison.Ordinal);
        Assert.Equal("Completed", FleetApi.Phase(await FleetApi.GetAsync(Host.Http, $"/api/tasks/{taskId}")));
    }

    [Fact]
    public async Task A_wrong_token_exits_4_with_the_documented_message_and_submits_nothing()
    {
        var before = (await FleetApi.GetAsync(Host.Http, "/api/tasks")).AsArray().Count;
        var environment = new Dictionary<string, string?> { ["FLEET_SERVER"] = Host.HttpAddress.ToString(), ["FLEET_API_TOKEN"] = "not-the-token" };

        var wrong = await FleetCli.RunAsync(["submit", "put the cup on the plate"], environment);
        var missing = await FleetCli.RunAsync("submit", "put the cup on the plate", "--server", Host.HttpAddress.ToString());

        Assert.Equal(4, wrong.ExitCode);
        Assert.Equal("fleet: the server rejected the API token; set --token or FLEET_API_TOKEN", wrong.Error.Trim());
        Assert.Empty(wrong.Out);
        Assert.Equal(4, missing.ExitCode);
        Assert.Equal("fleet: the server wants an API token; set --token or FLEET_API_TOKEN", missing.Error.Trim());
        Assert.Equal(before, (await FleetApi.GetAsync(Host.Http, "/api/tasks")).AsArray().Count);
    }

    [Theory]
    [InlineData("replay")]
    [InlineData("cancel")]
    [InlineData("watch")]
    public async Task An_unknown_task_exits_5(string command)
    {
        string[] args = command == "watch" ? ["watch", "--task", "no-such-task"] : [command, "no-such-task"];

        var run = await WithTimeout(FleetCli.RunAsync(args, Environment));

        Assert.True(run.ExitCode == 5, run.ToString());
        Assert.Contains("no-such-task", run.Error, StringComparison.Ordinal);
    }

    private static Task<CliRun> WithTimeout(Task<CliRun> run) => run.WaitAsync(TimeSpan.FromSeconds(120));
}
