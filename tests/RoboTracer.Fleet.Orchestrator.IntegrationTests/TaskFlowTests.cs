using System.Text.Json.Nodes;
using RoboTracer.Fleet.Contracts.V1;
using Point3D = RoboTracer.Fleet.Domain.Geometry.Point3D;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Testing;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests;

/// <summary>
/// Tasks end to end on one orchestrator (SQLite) with a real pool worker (geometric backend) and scripted robots
/// on real links: planning, tracing over gRPC, execution, scene changes, disconnects, cancellation, the history.
/// The tests of this class share the orchestrator and run one after another; each leaves no robot connected, and each
/// uses its own robot and so its own scene (scene memory remembers what an earlier test's robot did to a scene).
/// Each starts once the orchestrator has seen the earlier test's robots go: a task submitted without a robot could
/// otherwise be given to one whose link is closing.
/// </summary>
public sealed class TaskFlowTests(FleetFixture fleet) : IClassFixture<FleetFixture>, IAsyncLifetime
{
    private OrchestratorHost Host => fleet.Host;

    public Task InitializeAsync() => FleetApi.WaitUntilNoRobotIsOnlineAsync(Host.Http);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_three_step_instruction_completes_and_its_events_tell_the_whole_story_in_order()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-1", OrchestratorHost.RobotToken("robot-1"));
        var (a, b, c, d) = (robot.Labels[0], robot.Labels[1], robot.Labels[2], robot.Labels[3]);

        var task = await FleetApi.SubmitAsync(Host, $"put the {a} on the {b}, then put the {c} to the left of the {b}, then put the {d} to the right of the {a}");
        var done = await FleetApi.WaitForTaskAsync(Host, task, FleetApi.IsTerminal);

        Assert.True(FleetApi.Phase(done) == "Completed", done.ToJsonString());
        Assert.Equal("robot-1", done["robotId"]!.GetValue<string>());
        var steps = done["steps"]!.AsArray();
        Assert.Equal(3, steps.Count);
        Assert.All(steps, s => Assert.Equal("Succeeded", s!["phase"]!.GetValue<string>()));
        var events = await FleetApi.EventsAsync(Host, task);
        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e["version"]!.GetValue<int>()));
        Assert.True(events.Select(e => e["position"]!.GetValue<long>()).Order().SequenceEqual(events.Select(e => e["position"]!.GetValue<long>())));
        var types = events.Select(e => e["type"]!.GetValue<string>()).ToList();
        Assert.Equal("TaskSubmitted", types[0]);
        Assert.Equal("TaskCompleted", types[^1]);
        Assert.True(types.IndexOf("TaskPlanned") < types.IndexOf("RobotAssigned"));
        var requests = events.Where(e => e["type"]!.GetValue<string>() == "TraceRequested").Select(e => e["data"]!["reason"]!.GetValue<string>()).ToList();
        Assert.True(types.Count(t => t == "TraceAssigned") == 3, "each step traced once; requests: " + string.Join(" | ", requests));
        Assert.Equal(3, types.Count(t => t == "StepSucceeded"));
        // Each step: requested, assigned, then succeeded, in that order.
        for (var step = 0; step < 3; step++)
        {
            int IndexOf(string type) => events.FindIndex(e => e["type"]!.GetValue<string>() == type && e["data"]!["stepIndex"]?.GetValue<int>() == step);
            Assert.True(IndexOf("TraceRequested") < IndexOf("TraceAssigned") && IndexOf("TraceAssigned") < IndexOf("StepSucceeded"), $"step {step} out of order: {string.Join(", ", types)}");
        }
    }

    // Issue 21, as a new user typed it; robot-10's and robot-11's scenes have no red block, blue plate or green cup.
    private const string Issue21 = "put the red block on the blue plate, then move the green cup to the left of the plate";

    [Fact]
    public async Task An_instruction_for_a_robot_whose_scene_lacks_its_object_fails_naming_the_object_and_what_the_scene_holds()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-10", OrchestratorHost.RobotToken("robot-10"));
        Assert.DoesNotContain("red block", robot.Labels);

        var task = await FleetApi.SubmitAsync(Host, Issue21, "robot-10");
        var done = await FleetApi.WaitForTaskAsync(Host, task, FleetApi.IsTerminal);

        Assert.True(FleetApi.Phase(done) == "Failed", done.ToJsonString());
        Assert.Equal("Planning", done["failureCategory"]!.GetValue<string>());
        // Planned against the scene when scene memory had merged the robot's first observation by then, else bound
        // at step 1 ("step 1 (…): no 'red block' …"): either way the object is named with what the scene holds.
        Assert.EndsWith($"no 'red block' in scene table-robot-10; seen: {string.Join(", ", robot.Labels)}", done["failureReason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(await FleetApi.EventsAsync(Host, task), e => e["type"]!.GetValue<string>() == "TraceAssigned");
    }

    [Fact]
    public async Task An_instruction_planned_before_any_robot_fails_at_its_first_step_when_the_robots_scene_lacks_the_object()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-11", OrchestratorHost.RobotToken("robot-11"));

        var task = await FleetApi.SubmitAsync(Host, Issue21);
        var done = await FleetApi.WaitForTaskAsync(Host, task, FleetApi.IsTerminal);

        Assert.True(FleetApi.Phase(done) == "Failed", done.ToJsonString());
        Assert.Equal(
            $"step 1 (\"pick up the red block and place it on the blue plate\"): no 'red block' in scene table-robot-11; seen: {string.Join(", ", robot.Labels)}",
            done["failureReason"]!.GetValue<string>());
        var types = (await FleetApi.EventsAsync(Host, task)).Select(e => e["type"]!.GetValue<string>()).ToList();
        Assert.DoesNotContain("TraceAssigned", types);
        Assert.DoesNotContain("StepSucceeded", types);
    }

    [Fact]
    public async Task Each_step_traces_and_moves_the_object_it_names()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-12", OrchestratorHost.RobotToken("robot-12"));
        var (a, b, c, d) = (robot.Labels[0], robot.Labels[1], robot.Labels[2], robot.Labels[3]);
        var before = robot.Labels.ToDictionary(l => l, robot.PositionOf);

        var task = await FleetApi.SubmitAsync(Host, $"put the {a} on the {b}, then move the {c} to the left of the {d}", "robot-12");
        var done = await FleetApi.WaitForTaskAsync(Host, task, FleetApi.IsTerminal);

        Assert.True(FleetApi.Phase(done) == "Completed", done.ToJsonString());
        var assigned = (await FleetApi.EventsAsync(Host, task)).Where(e => e["type"]!.GetValue<string>() == "TraceAssigned").Select(e => e["data"]!).ToList();
        Assert.Equal([(a, b), (c, d)], assigned.Select(e => (e["object"]!["label"]!.GetValue<string>(), e["destination"]!["label"]!.GetValue<string>())));
        Assert.Equal(assigned.Select(e => e["objectId"]!.GetValue<string>()), done["steps"]!.AsArray().Select(s => s!["objectId"]!.GetValue<string>()));
        // The two objects named moved; the two destinations did not.
        Assert.NotEqual(before[a], robot.PositionOf(a));
        Assert.NotEqual(before[c], robot.PositionOf(c));
        Assert.Equal((before[b], before[d]), (robot.PositionOf(b), robot.PositionOf(d)));
    }

    [Fact]
    public async Task A_robot_that_moves_another_object_and_reports_success_fails_the_step_naming_the_object_it_moved()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-13", OrchestratorHost.RobotToken("robot-13"));
        robot.AutoExecute = false;
        var (item, destination, other) = (robot.Labels[0], robot.Labels[1], robot.Labels[2]);
        var task = await FleetApi.SubmitAsync(Host, $"put the {item} on the {destination}", "robot-13");
        var trace = (await FleetApi.ExpectAsync(Host, task, robot.NextAsync(OrchestratorMessage.BodyOneofCase.ExecuteTrace))).ExecuteTrace;

        // The robot moves the wrong object and says it succeeded. It sets it down well away from the trace: one set
        // down on the trace would be a scene change that replaces the trace before the report is heard.
        await robot.ReportAsync(trace, StepState.Accepted, 0);
        var path = trace.Points3D.Select(ProtoGeometry.ToPoint).ToList();
        var from = robot.PositionOf(other);
        var to = new[] { new Point3D(0.25, 0, 0), new Point3D(-0.25, 0, 0), new Point3D(0, 0, 0.25), new Point3D(0, 0, -0.25) }
            .Select(offset => from + offset)
            .MaxBy(p => path.Min(p.DistanceTo));
        await robot.MoveAsync(other, to);
        await robot.ReportAsync(trace, StepState.Succeeded, 1);
        var failed = await FleetApi.WaitForTaskAsync(Host, task, t => t["steps"]![0]!["attempts"]!.GetValue<int>() >= 1);
        using var cancelled = await Host.Authorized.PostAsync($"/api/tasks/{task}/cancel", null);

        var reason = failed["steps"]![0]!["lastFailure"]!.GetValue<string>();
        Assert.StartsWith($"verification failed: the robot moved the {other} (", reason, StringComparison.Ordinal);
        Assert.Contains($"instead of the {item} ({trace.ObjectId})", reason, StringComparison.Ordinal);
        Assert.DoesNotContain((await FleetApi.EventsAsync(Host, task)), e => e["type"]!.GetValue<string>() == "StepSucceeded");
    }

    [Fact]
    public async Task The_trace_records_the_frame_the_tracer_saw_and_its_image_is_served()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-4", OrchestratorHost.RobotToken("robot-4"));
        var task = await FleetApi.SubmitAsync(Host, $"put the {robot.Labels[0]} on the {robot.Labels[1]}");
        await FleetApi.WaitForTaskAsync(Host, task, FleetApi.IsTerminal);

        var assigned = (await FleetApi.EventsAsync(Host, task)).First(e => e["type"]!.GetValue<string>() == "TraceAssigned");
        var data = assigned["data"]!;
        Assert.True(data["points"]!["points3D"]!.AsArray().Count >= 2);
        Assert.True(data["points"]!["points2D"]!.AsArray().Count >= 2);
        Assert.Equal("geometric", data["points"]!["backend"]!.GetValue<string>());
        // The worker's own share (queue and model), so the fleet's share of the time to a trace can be told apart.
        Assert.True(data["points"]!["workerMs"]!.GetValue<double>() > 0, data["points"]!.ToJsonString());
        var rgb = data["frame"]!["rgb"]!.GetValue<string>();
        var depth = data["frame"]!["depth"]!.GetValue<string>();
        using var image = await Host.Http.GetAsync($"/api/blobs/{rgb}");
        using var depthImage = await Host.Http.GetAsync($"/api/blobs/{depth}");
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        var rgbPng = Vision.RgbImage.FromPng(await image.Content.ReadAsByteArrayAsync());
        Assert.Equal((320, 240), (rgbPng.Width, rgbPng.Height));
        var depthPng = Vision.DepthImage.FromPng(await depthImage.Content.ReadAsByteArrayAsync());
        Assert.Equal((320, 240), (depthPng.Width, depthPng.Height));
    }

    [Fact]
    public async Task A_scene_change_mid_step_causes_exactly_one_requery_and_the_robot_finishes_on_the_new_trace()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-2", OrchestratorHost.RobotToken("robot-2"));
        robot.AutoExecute = false;
        var (item, destination) = (robot.Labels[0], robot.Labels[1]);
        var task = await FleetApi.SubmitAsync(Host, $"put the {item} on the {destination}", "robot-2");
        var first = (await FleetApi.ExpectAsync(Host, task, robot.NextAsync(OrchestratorMessage.BodyOneofCase.ExecuteTrace))).ExecuteTrace;
        await robot.ReportAsync(first, StepState.Executing, 0.3);

        // The destination moves 20 cm: the trace now ends in the wrong place.
        var at = robot.PositionOf(destination);
        await robot.MoveAsync(destination, at with { X = at.X + 0.2 });
        var cancel = (await FleetApi.ExpectAsync(Host, task, robot.NextAsync(OrchestratorMessage.BodyOneofCase.CancelStep))).CancelStep;
        var second = (await FleetApi.ExpectAsync(Host, task, robot.NextAsync(OrchestratorMessage.BodyOneofCase.ExecuteTrace))).ExecuteTrace;
        await robot.ExecuteAsync(second);
        var done = await FleetApi.WaitForTaskAsync(Host, task, FleetApi.IsTerminal);

        Assert.Equal(first.TraceId, cancel.TraceId);
        Assert.NotEqual(first.TraceId, second.TraceId);
        Assert.Equal(first.StepId, second.StepId);
        Assert.True(FleetApi.Phase(done) == "Completed", done.ToJsonString());
        Assert.Equal(1, done["steps"]![0]!["replacements"]!.GetValue<int>());
        var events = await FleetApi.EventsAsync(Host, task);
        var requests = events.Where(e => e["type"]!.GetValue<string>() == "TraceRequested").ToList();
        Assert.Equal(2, requests.Count);
        Assert.StartsWith("scene changed", requests[1]["data"]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(events, e => e["type"]!.GetValue<string>() == "SceneChangeDetected");
        // The new trace ends where the destination is now.
        var newEnd = second.Points3D[^1];
        Assert.True(Math.Abs(newEnd.X - (at.X + 0.2)) < Math.Abs(first.Points3D[^1].X - (at.X + 0.2)));
    }

    [Fact]
    public async Task A_robot_that_disconnects_mid_task_hands_the_rest_to_another_robot()
    {
        // Two arms at one table: the remaining steps can only go to a robot that sees the same scene.
        var leaving = await TestRobot.ConnectAsync(Host.Channel, "robot-7", OrchestratorHost.RobotToken("robot-7"), scene: "shared-table");
        leaving.AutoExecute = false;
        var labels = leaving.Labels;
        var task = await FleetApi.SubmitAsync(Host, $"put the {labels[0]} on the {labels[1]}, then put the {labels[2]} to the left of the {labels[1]}");
        await FleetApi.ExpectAsync(Host, task, leaving.NextAsync(OrchestratorMessage.BodyOneofCase.ExecuteTrace));
        await using var staying = await TestRobot.ConnectAsync(Host.Channel, "robot-8", OrchestratorHost.RobotToken("robot-8"), scene: "shared-table");

        await leaving.DropAsync();
        var done = await FleetApi.WaitForTaskAsync(Host, task, FleetApi.IsTerminal);

        Assert.True(FleetApi.Phase(done) == "Completed", done.ToJsonString());
        Assert.Equal("robot-8", done["robotId"]!.GetValue<string>());
        var events = await FleetApi.EventsAsync(Host, task);
        var assigned = events.Where(e => e["type"]!.GetValue<string>() == "RobotAssigned").Select(e => e["data"]!["robot"]!.GetValue<string>()).ToList();
        Assert.Equal(["robot-7", "robot-8"], assigned);
        Assert.Contains(events, e => e["type"]!.GetValue<string>() == "AssignedRobotDisconnected");
    }

    [Fact]
    public async Task A_trace_the_robot_does_not_acknowledge_is_a_failed_attempt_and_the_acknowledged_retry_completes_the_task()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-9", OrchestratorHost.RobotToken("robot-9"), acknowledgesCommands: true);
        robot.AutoExecute = false;
        robot.SendAcks = false;
        var task = await FleetApi.SubmitAsync(Host, $"put the {robot.Labels[0]} on the {robot.Labels[1]}", "robot-9");
        var unacknowledged = (await FleetApi.ExpectAsync(Host, task, robot.NextAsync(OrchestratorMessage.BodyOneofCase.ExecuteTrace))).ExecuteTrace;
        robot.SendAcks = true;
        var retried = (await FleetApi.ExpectAsync(Host, task, robot.NextAsync(OrchestratorMessage.BodyOneofCase.ExecuteTrace))).ExecuteTrace;
        await robot.ExecuteAsync(retried);
        var done = await FleetApi.WaitForTaskAsync(Host, task, FleetApi.IsTerminal);

        Assert.True(FleetApi.Phase(done) == "Completed", done.ToJsonString());
        Assert.True(retried.CommandId > unacknowledged.CommandId, $"{retried.CommandId} is not above {unacknowledged.CommandId}");
        // The unacknowledged command is a failed attempt. (On a loaded machine an acknowledgement can also miss the
        // 2 s of Fleet:CommandAckTimeout this host runs with and fail one more attempt, so not "the only one".)
        var failed = (await FleetApi.EventsAsync(Host, task)).First(e => e["type"]!.GetValue<string>() == "StepAttemptFailed");
        Assert.Contains($"did not acknowledge command {unacknowledged.CommandId}", failed["data"]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_a_running_task_stops_the_robot_and_frees_it()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-3", OrchestratorHost.RobotToken("robot-3"));
        robot.AutoExecute = false;
        var task = await FleetApi.SubmitAsync(Host, $"put the {robot.Labels[0]} on the {robot.Labels[1]}", "robot-3");
        var executing = (await FleetApi.ExpectAsync(Host, task, robot.NextAsync(OrchestratorMessage.BodyOneofCase.ExecuteTrace))).ExecuteTrace;

        using var response = await Host.Authorized.PostAsync($"/api/tasks/{task}/cancel", null);
        var cancel = (await robot.NextAsync(OrchestratorMessage.BodyOneofCase.CancelStep)).CancelStep;

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal("Cancelled", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["phase"]!.GetValue<string>());
        Assert.Equal(executing.TraceId, cancel.TraceId);
        var robots = await FleetApi.GetAsync(Host.Http, "/api/robots");
        Assert.Null(robots.AsArray().Single(r => r!["id"]!.GetValue<string>() == "robot-3")!["reservedBy"]);
        using var again = await Host.Authorized.PostAsync($"/api/tasks/{task}/cancel", null);
        Assert.True(again.IsSuccessStatusCode);
    }

    [Fact]
    public async Task The_live_stream_resumes_after_the_last_event_id_without_gaps_or_duplicates()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-5", OrchestratorHost.RobotToken("robot-5"));
        var task = await FleetApi.SubmitAsync(Host, $"put the {robot.Labels[0]} on the {robot.Labels[1]}");
        await FleetApi.WaitForTaskAsync(Host, task, FleetApi.IsTerminal);
        var history = (await FleetApi.EventsAsync(Host, task)).Select(e => e["position"]!.GetValue<long>()).ToList();

        // Read the task's first events, drop the connection, and resume from the last id seen.
        var seen = new List<long>();
        using (var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await foreach (var e in SseReader.ReadAsync(Host.Http, "/api/stream?after=0", cancellationToken: cancel.Token))
            {
                Assert.Equal(e.Data["position"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture), e.Id);
                Assert.Equal(e.Data["type"]!.GetValue<string>(), e.Event);
                seen.Add(e.Data["position"]!.GetValue<long>());
                if (e.Data["position"]!.GetValue<long>() >= history[2])
                {
                    break;
                }
            }
        }
        using (var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await foreach (var e in SseReader.ReadAsync(Host.Http, "/api/stream", lastEventId: seen[^1].ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken: cancel.Token))
            {
                seen.Add(e.Data["position"]!.GetValue<long>());
                if (e.Data["position"]!.GetValue<long>() >= history[^1])
                {
                    break;
                }
            }
        }

        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.True(seen.Order().SequenceEqual(seen));
        Assert.Empty(history.Except(seen));
    }
}
