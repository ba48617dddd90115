using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RoboTracer.Fleet.Testing;
using RoboTracer.Fleet.Testing.Otlp;

namespace RoboTracer.Fleet.AppHost.IntegrationTests.EndToEnd;

/// <summary>
/// The main job end to end in real processes (DESIGN.md §4): the AppHost with its store, two pool workers, the
/// orchestrator and 4 simulated robots; instructions submitted over REST as a user would.
/// </summary>
public sealed class FleetEndToEndTests
{
    // The simulator's well-known objects: every scene has them (src/RoboTracer.Fleet.Simulator/Scenes/WellKnownObjects.cs).
    private const string ThreeSteps = "put the red cup on the plate, then put the blue box to the left of the plate, then put the green block to the right of the plate";

    [Fact]
    public async Task On_SQLite_a_three_step_instruction_completes_and_the_events_tell_the_whole_story_in_order()
    {
        await using var fleet = await FleetProcess.StartAsync("sqlite");
        await FleetApi.WaitForRobotsAsync(fleet.Http, FleetApi.Online(4));

        var task = await SubmitAsync(fleet, ThreeSteps);
        var done = await FleetApi.WaitForTaskAsync(fleet.Http, task, FleetApi.IsTerminal, TimeSpan.FromMinutes(3));

        Assert.True(FleetApi.Phase(done) == "Completed", done.ToJsonString());
        var types = (await FleetApi.EventsAsync(fleet.Http, task)).Select(e => e["type"]!.GetValue<string>()).ToList();
        Assert.Equal("TaskSubmitted", types[0]);
        Assert.Equal("TaskCompleted", types[^1]);
        Assert.Equal(3, types.Count(t => t == "StepSucceeded"));
        Assert.Contains("store: SQLite at", fleet.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_PostgreSQL_a_task_survives_kill_9_of_the_orchestrator_and_no_acknowledged_event_is_lost()
    {
        await using var fleet = await FleetProcess.StartAsync("postgres");
        await FleetApi.WaitForRobotsAsync(fleet.Http, FleetApi.Online(4));
        var task = await SubmitAsync(fleet, ThreeSteps);
        await FleetApi.WaitForTaskAsync(fleet.Http, task, t => t["steps"]!.AsArray().Count == 3 && t["steps"]![0]!["phase"]!.GetValue<string>() == "Succeeded", TimeSpan.FromMinutes(2));
        var before = await FleetApi.EventsAsync(fleet.Http, task);

        var orchestrator = fleet.ChildProcessId("RoboTracer.Fleet.Orchestrator.dll");
        using (var kill = System.Diagnostics.Process.Start("kill", ["-KILL", orchestrator.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        var done = await WaitThroughRestartsAsync(() => FleetApi.WaitForTaskAsync(fleet.Http, task, FleetApi.IsTerminal, TimeSpan.FromMinutes(3)));
        var after = await FleetApi.EventsAsync(fleet.Http, task);

        Assert.True(FleetApi.Phase(done) == "Completed", done.ToJsonString() + "\n" + fleet.Output[^Math.Min(fleet.Output.Length, 4000)..]);
        Assert.NotEqual(orchestrator, fleet.ChildProcessId("RoboTracer.Fleet.Orchestrator.dll"));
        // Every event acknowledged before the kill is still there, at the same position, with the same content.
        Assert.True(after.Count > before.Count);
        for (var i = 0; i < before.Count; i++)
        {
            Assert.Equal(before[i].ToJsonString(), after[i].ToJsonString());
        }
        // The restarted orchestrator waited for the robot instead of spending the step's attempts on a link not yet back.
        var failedAfterKill = after.Skip(before.Count).Where(e => e["type"]!.GetValue<string>() == "StepAttemptFailed").Select(e => e["data"]!["reason"]!.GetValue<string>()).ToList();
        Assert.False(failedAfterKill.Any(r => r.Contains("no live link", StringComparison.Ordinal)), "attempts failed after the restart: " + string.Join(" | ", failedAfterKill));
        // The robots found the new orchestrator by themselves.
        await WaitThroughRestartsAsync(() => FleetApi.WaitForRobotsAsync(fleet.Http, FleetApi.Online(4)));
        Assert.Contains("store: local PostgreSQL cluster", fleet.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_silos_on_PostgreSQL_lose_nothing_when_one_is_killed_with_9_its_robots_reconnect_and_every_task_completes()
    {
        await using var fleet = await FleetProcess.StartAsync("postgres", silos: 2);
        await FleetApi.WaitForRobotsAsync(fleet.Http, FleetApi.Online(4));
        var tasks = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            tasks.Add(await SubmitAsync(fleet, ThreeSteps));
        }
        foreach (var task in tasks)
        {
            await FleetApi.WaitForTaskAsync(fleet.Http, task, t => t["steps"]!.AsArray().Count == 3 && t["steps"]![0]!["phase"]!.GetValue<string>() is "Executing" or "Verifying" or "Succeeded", TimeSpan.FromMinutes(2));
        }
        var before = new Dictionary<string, List<JsonNode>>();
        foreach (var task in tasks)
        {
            before[task] = await FleetApi.EventsAsync(fleet.Http, task);
        }

        // The second silo dies; the first keeps serving the API (the AppHost restarts the dead one later).
        var silos = fleet.ChildProcessIds("RoboTracer.Fleet.Orchestrator.dll");
        var victim = fleet.ReplicaProcessId("RoboTracer.Fleet.Orchestrator.dll", "orchestrator-1");
        var linkedToVictim = RobotsConnected(fleet.Output, "orchestrator-1");
        var killedAt = fleet.Output.Length;
        using (var kill = System.Diagnostics.Process.Start("kill", ["-KILL", victim.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        var done = new List<JsonNode>();
        foreach (var task in tasks)
        {
            done.Add(await WaitThroughRestartsAsync(() => FleetApi.WaitForTaskAsync(fleet.Http, task, FleetApi.IsTerminal, TimeSpan.FromMinutes(3))));
        }

        Assert.Equal(2, silos.Count);
        Assert.All(done, d => Assert.True(FleetApi.Phase(d) == "Completed", d.ToJsonString() + "\n" + fleet.Output[^Math.Min(fleet.Output.Length, 4000)..]));
        foreach (var task in tasks)
        {
            // Every event acknowledged before the kill is still there, at the same position, with the same content.
            var after = await FleetApi.EventsAsync(fleet.Http, task);
            Assert.Equal(before[task].Select(e => e.ToJsonString()), after.Take(before[task].Count).Select(e => e.ToJsonString()));
            // Each step succeeded once.
            Assert.Equal(3, after.Count(e => e["type"]!.GetValue<string>() == "StepSucceeded"));
        }
        // The robots linked to the dead silo came back by themselves.
        Assert.NotEmpty(linkedToVictim);
        var reconnected = RobotsConnected(fleet.Output[killedAt..], "orchestrator-");
        Assert.All(linkedToVictim, robot => Assert.Contains(robot, reconnected));
        await FleetApi.WaitForRobotsAsync(fleet.Http, FleetApi.Online(4));
    }

    [Fact]
    public async Task With_an_OTLP_endpoint_one_trace_per_task_crosses_from_submission_through_planning_the_pool_workers_and_the_robots()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var fleet = await FleetProcess.StartAsync("sqlite", new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.HttpEndpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            // Orleans' meter is awaited below: exported every second rather than every minute.
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
        });
        await FleetApi.WaitForRobotsAsync(fleet.Http, FleetApi.Online(4));

        var task = await SubmitAsync(fleet, "put the red cup on the plate");
        await FleetApi.WaitForTaskAsync(fleet.Http, task, FleetApi.IsTerminal, TimeSpan.FromMinutes(2));

        string[] expected = ["task.submit", "task.plan", "trace.query", "robot.step", "robot.execute"];
        await OtlpReceiver.WaitUntilAsync(
            () => expected.All(name => receiver.Spans.Any(s => s.Name == name && s.Attributes.GetValueOrDefault("robotracer.task") == task)),
            TimeSpan.FromSeconds(60),
            $"spans {string.Join(", ", expected)} of task {task}");
        var spans = receiver.Spans.Where(s => s.Attributes.GetValueOrDefault("robotracer.task") == task).ToList();
        var trace = Assert.Single(spans.Select(s => s.TraceId).Distinct());
        Assert.All(spans.Where(s => s.Name != "robot.execute"), s => Assert.Equal("orchestrator", s.ServiceName));
        // The robot's span of following a trace is a child of the orchestrator's span that sent it.
        var sent = spans.Where(s => s.Name == "robot.step").Select(s => s.SpanId).ToHashSet();
        Assert.All(spans.Where(s => s.Name == "robot.execute"), s =>
        {
            Assert.Equal("simulator", s.ServiceName);
            Assert.Contains(s.ParentSpanId, sent);
        });
        // A pool worker's server span of a trace call belongs to the same trace (grpc-dotnet client → ASP.NET Core).
        await OtlpReceiver.WaitUntilAsync(
            () => receiver.Spans.Any(s => s.TraceId == trace && s.ServiceName.StartsWith("pool", StringComparison.Ordinal) && s.Kind == ReceivedSpan.ServerKind),
            TimeSpan.FromSeconds(60),
            $"a pool worker's server span in trace {trace}");
        // The grain calls the task made are spans of its trace (Orleans' activity propagation), and the silo's meter
        // is exported; Orleans' own calls appear only inside traces (its timers and the Orleans Dashboard's would
        // start new ones every second).
        Assert.Contains(receiver.Spans, s => s.TraceId == trace && s.Scope == "Microsoft.Orleans.Application" && s.ServiceName == "orchestrator");
        await OtlpReceiver.WaitUntilAsync(
            () => receiver.Metrics.Any(m => m.ServiceName == "orchestrator" && m.Meter == "Microsoft.Orleans"),
            TimeSpan.FromSeconds(60),
            "a metric of Orleans' meter from the orchestrator");
        Assert.DoesNotContain(receiver.Spans, s => s.Scope == "Microsoft.Orleans.Runtime" && s.ParentSpanId.Length == 0);
        // The robots have been sending heartbeats all along; those are not traced.
        Assert.DoesNotContain(receiver.Spans, s => s.ServiceName == "orchestrator" && s.Name.Contains("HeartbeatAsync", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ctrl_C_while_the_pool_warms_up_stops_every_child_and_exits_0()
    {
        await using var fleet = await FleetProcess.StartAsync("sqlite", untilLine: "[apphost] pool: started");
        var workers = fleet.ChildProcessIds("RoboTracer.Fleet.Inference.dll");

        var exitCode = await fleet.StopAsync();

        Assert.Equal(2, workers.Count);
        Assert.Equal(0, exitCode);
        Assert.Contains("[apphost] stopped", fleet.Output, StringComparison.Ordinal);
        Assert.All(workers, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"pool worker {pid} outlived the AppHost"));
    }

    private static async Task<string> SubmitAsync(FleetProcess fleet, string instruction)
    {
        using var response = await fleet.Authorized.PostAsJsonAsync("/api/tasks", new { instruction });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"submit answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["taskId"]!.GetValue<string>();
    }

    /// <summary>The robots whose link a silo whose log prefix starts with <paramref name="silo"/> announced in <paramref name="output"/>.</summary>
    private static HashSet<string> RobotsConnected(string output, string silo) =>
        [.. output.Split('\n')
            .Where(line => line.StartsWith("[" + silo, StringComparison.Ordinal) && line.Contains(" connected (session ", StringComparison.Ordinal))
            .Select(line => line[(line.IndexOf("Robot ", StringComparison.Ordinal) + "Robot ".Length)..].Split(' ')[0])];

    // While the orchestrator is down (killed, not yet restarted by the AppHost) its port refuses or drops connections.
    private static async Task<T> WaitThroughRestartsAsync<T>(Func<Task<T>> wait)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            try
            {
                return await wait();
            }
            catch (Exception e) when (e is HttpRequestException or IOException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }
}
