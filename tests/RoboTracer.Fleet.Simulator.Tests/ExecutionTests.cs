using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Simulator.Scenes;
using RoboTracer.Fleet.Simulator.Tests.Infrastructure;

namespace RoboTracer.Fleet.Simulator.Tests;

public sealed class ExecutionTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_trace_is_followed_in_time_and_the_object_ends_at_its_last_point()
    {
        var clock = new SteppingTimeProvider();
        await using var orchestrator = await FakeOrchestrator.StartAsync();
        await using var robot = RobotUnderTest.Start(orchestrator, RobotUnderTest.Settings() with { SpeedMetresPerSecond = 0.1 }, clock);
        var before = await orchestrator.Link.NextObservationAsync();
        var trace = Traces.LiftAndShift(before, "red cup");
        var last = trace.Points3D[^1];

        await orchestrator.Link.SendAsync(Traces.Execute(trace));
        var accepted = await orchestrator.Link.NextStepUpdateAsync();
        var started = await orchestrator.Link.NextStepUpdateAsync();
        var progress = new List<double> { started.Progress };
        var elapsed = TimeSpan.Zero;
        StepUpdate update;
        while (true)
        {
            elapsed += await clock.AdvanceToNextTimerAsync(Window);
            update = (await orchestrator.Link.NextEventAsync()).StepUpdate;
            if (update.State != StepState.Executing)
            {
                break;
            }
            // 0.18 m at 0.1 m/s: the reported fraction is the time spent over 1.8 s.
            Assert.Equal(elapsed.TotalSeconds / 1.8, update.Progress, 6);
            progress.Add(update.Progress);
        }
        var after = await orchestrator.Link.NextObservationAsync();

        Assert.Equal(("task-1", "step-1", "trace-1", StepState.Accepted), (accepted.TaskId, accepted.StepId, accepted.TraceId, accepted.State));
        Assert.Equal(StepState.Executing, started.State);
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8], progress.Select(p => Math.Round(p, 6)));
        Assert.Equal((StepState.Succeeded, 1.0, "trace-1"), (update.State, update.Progress, update.TraceId));
        Assert.Equal(1.8, elapsed.TotalSeconds, 6);
        var cup = Traces.Find(after, "red cup");
        Traces.AssertNear(last, cup.Box.Center);
        Assert.Equal(Traces.Find(before, "white plate").Box, Traces.Find(after, "white plate").Box);
    }

    [Fact]
    public async Task Every_command_is_acknowledged_and_a_trace_whose_command_id_is_not_newer_is_not_executed_again()
    {
        // The clock stands still: the trace is under way, not done, until it is cancelled.
        await using var orchestrator = await FakeOrchestrator.StartAsync();
        await using var robot = RobotUnderTest.Start(orchestrator, RobotUnderTest.Settings(), new FakeTimeProvider());
        var hello = await orchestrator.Link.NextHelloAsync();
        var before = await orchestrator.Link.NextObservationAsync();
        var trace = Traces.LiftAndShift(before, "red cup");
        trace.CommandId = 7;

        await orchestrator.Link.SendAsync(Traces.Execute(trace));
        var accepted = await orchestrator.Link.NextStepUpdateAsync();
        var firstAck = await orchestrator.Link.NextCommandAckAsync();
        // The same command again (a redelivery), then an older one under a new trace id (late from a replaced node).
        await orchestrator.Link.SendAsync(Traces.Execute(trace));
        var again = await orchestrator.Link.NextCommandAckAsync();
        var older = trace.Clone();
        (older.CommandId, older.TraceId) = (6, "trace-late");
        await orchestrator.Link.SendAsync(Traces.Execute(older));
        var late = await orchestrator.Link.NextCommandAckAsync();
        var cancel = Traces.Cancel(trace.StepId, trace.TaskId, trace.TraceId);
        cancel.CancelStep.CommandId = 8;
        await orchestrator.Link.SendAsync(cancel);
        var end = await NextTerminalAsync(orchestrator);
        var cancelAck = await orchestrator.Link.NextCommandAckAsync();

        Assert.True(hello.AcknowledgesCommands);
        Assert.Equal((StepState.Accepted, "trace-1"), (accepted.State, accepted.TraceId));
        Assert.Equal([7UL, 7UL, 6UL, 8UL], [firstAck.CommandId, again.CommandId, late.CommandId, cancelAck.CommandId]);
        // Only the first delivery ran: the step that ends is trace-1's, cancelled, with no update on the late trace.
        Assert.Equal((StepState.Cancelled, "trace-1"), (end.State, end.TraceId));
        Assert.DoesNotContain(orchestrator.Link.All, m => m.StepUpdate?.TraceId == "trace-late");
        Assert.Single(orchestrator.Link.All, m => m.StepUpdate?.State == StepState.Accepted);
    }

    [Fact]
    public async Task Without_an_object_id_the_object_nearest_the_first_point_is_moved()
    {
        await using var orchestrator = await FakeOrchestrator.StartAsync();
        await using var robot = RobotUnderTest.Start(orchestrator, RobotUnderTest.Settings());
        var before = await orchestrator.Link.NextObservationAsync();
        var trace = Traces.LiftAndShift(before, "green block", withObjectId: false);

        await orchestrator.Link.SendAsync(Traces.Execute(trace));
        var end = await NextTerminalAsync(orchestrator);
        var after = await orchestrator.Link.NextObservationAsync();

        Assert.Equal(StepState.Succeeded, end.State);
        var block = Traces.Find(after, "green block").Box.Center;
        Traces.AssertNear(trace.Points3D[^1], block);
    }

    [Fact]
    public async Task The_object_the_trace_names_is_moved_even_when_another_is_nearest_its_first_point()
    {
        // Issue 21: a trace drawn from the plate, for the red cup. The cup goes; the plate stays.
        await using var orchestrator = await FakeOrchestrator.StartAsync();
        await using var robot = RobotUnderTest.Start(orchestrator, RobotUnderTest.Settings() with { SpeedMetresPerSecond = 2 });
        var before = await orchestrator.Link.NextObservationAsync();
        var trace = Traces.LiftAndShift(before, "white plate");
        trace.ObjectId = Traces.Find(before, "red cup").Id;

        await orchestrator.Link.SendAsync(Traces.Execute(trace));
        var end = await NextTerminalAsync(orchestrator);
        var after = await orchestrator.Link.NextObservationAsync();

        Assert.Equal(StepState.Succeeded, end.State);
        Traces.AssertNear(trace.Points3D[^1], Traces.Find(after, "red cup").Box.Center);
        Assert.Equal(Traces.Find(before, "white plate").Box, Traces.Find(after, "white plate").Box);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(11)]
    public async Task Every_object_of_the_scene_is_moved_by_its_id_and_nothing_else_moves(int seed)
    {
        await using var orchestrator = await FakeOrchestrator.StartAsync();
        await using var robot = RobotUnderTest.Start(orchestrator, RobotUnderTest.Settings(seed) with { SpeedMetresPerSecond = 2 });
        var before = await orchestrator.Link.NextObservationAsync();
        var labels = before.Objects.Select(o => o.Label).ToList();

        for (var i = 0; i < labels.Count; i++)
        {
            var trace = Traces.LiftAndShift(before, labels[i], step: $"step-{i}", trace: $"trace-{i}");
            await orchestrator.Link.SendAsync(Traces.Execute(trace));
            var end = await NextTerminalAsync(orchestrator);
            var after = await orchestrator.Link.NextObservationAsync();

            Assert.True(end.State == StepState.Succeeded, $"seed {seed}, the {labels[i]}: {end.State} {end.Detail}");
            Traces.AssertNear(trace.Points3D[^1], Traces.Find(after, labels[i]).Box.Center);
            Assert.All(labels.Where(l => l != labels[i]), l => Assert.Equal(Traces.Find(before, l).Box, Traces.Find(after, l).Box));
            before = after;
        }
        Assert.True(labels.Count > WellKnownObjects.All.Count, $"seed {seed}: no extras in {string.Join(", ", labels)}");
    }

    [Fact]
    public async Task CancelStep_stops_the_object_where_it_is_and_reports_cancelled()
    {
        var clock = new SteppingTimeProvider();
        await using var orchestrator = await FakeOrchestrator.StartAsync();
        await using var robot = RobotUnderTest.Start(orchestrator, RobotUnderTest.Settings() with { SpeedMetresPerSecond = 0.1 }, clock);
        var before = await orchestrator.Link.NextObservationAsync();
        await orchestrator.Link.SendAsync(Traces.Execute(Traces.LiftAndShift(before, "red cup")));
        await orchestrator.Link.NextAsync(m => m.StepUpdate?.State == StepState.Executing, "EXECUTING");
        await clock.AdvanceToNextTimerAsync(Window);
        Assert.Equal(0.2, (await orchestrator.Link.NextStepUpdateAsync()).Progress, 6);

        await orchestrator.Link.SendAsync(Traces.Cancel("step-1", reason: "operator pressed stop"));
        var cancelled = await orchestrator.Link.NextEventAsync();
        var after = await orchestrator.Link.NextEventAsync();

        Assert.Equal((StepState.Cancelled, "trace-1"), (cancelled.StepUpdate.State, cancelled.StepUpdate.TraceId));
        Assert.Equal(0.2, cancelled.StepUpdate.Progress, 6);
        Assert.Contains("operator pressed stop", cancelled.StepUpdate.Detail, StringComparison.Ordinal);
        Assert.Equal(RobotMessage.BodyOneofCase.Observation, after.BodyCase);
        Assert.NotEqual(Traces.Find(before, "red cup").Box.Center, Traces.Find(after.Observation, "red cup").Box.Center);
        Assert.Null(robot.Robot.Scene.Ids.FirstOrDefault(id => id.StartsWith("obstacle", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_replacement_trace_for_the_same_step_wins()
    {
        var clock = new SteppingTimeProvider();
        await using var orchestrator = await FakeOrchestrator.StartAsync();
        await using var robot = RobotUnderTest.Start(orchestrator, RobotUnderTest.Settings() with { SpeedMetresPerSecond = 0.1 }, clock);
        var before = await orchestrator.Link.NextObservationAsync();
        await orchestrator.Link.SendAsync(Traces.Execute(Traces.LiftAndShift(before, "blue box", trace: "trace-old")));
        await orchestrator.Link.NextAsync(m => m.StepUpdate?.State == StepState.Executing, "EXECUTING");
        await clock.AdvanceToNextTimerAsync(Window);
        Assert.Equal(0.2, (await orchestrator.Link.NextStepUpdateAsync()).Progress, 6);
        var replacement = Traces.LiftAndShift(before, "blue box", trace: "trace-new");
        foreach (var p in replacement.Points3D)
        {
            p.X -= 0.16;
        }

        await orchestrator.Link.SendAsync(Traces.Execute(replacement));
        var updates = new List<StepUpdate> { await orchestrator.Link.NextStepUpdateAsync(), await orchestrator.Link.NextStepUpdateAsync() };
        updates.AddRange(await DriveToEndAsync(orchestrator, clock));
        var after = await orchestrator.Link.NextObservationAsync();

        Assert.All(updates, u => Assert.Equal("trace-new", u.TraceId));
        Assert.Equal(StepState.Accepted, updates[0].State);
        Assert.Equal(StepState.Succeeded, updates[^1].State);
        var box = Traces.Find(after, "blue box").Box.Center;
        Traces.AssertNear(replacement.Points3D[^1], box);
    }

    [Fact]
    public async Task Bad_commands_are_answered_or_ignored_logged_and_the_robot_keeps_working()
    {
        await using var orchestrator = await FakeOrchestrator.StartAsync();
        await using var robot = RobotUnderTest.Start(orchestrator, RobotUnderTest.Settings());
        var observation = await orchestrator.Link.NextObservationAsync();
        var empty = new ExecuteTrace { TaskId = "task-1", StepId = "step-empty", TraceId = "t-empty" };
        var nan = Traces.LiftAndShift(observation, "red cup", step: "step-nan", trace: "t-nan");
        nan.Points3D[1].Y = double.NaN;
        var unknown = Traces.LiftAndShift(observation, "red cup", step: "step-unknown", trace: "t-unknown");
        unknown.ObjectId = "obj-404";
        var far = Traces.LiftAndShift(observation, "red cup", step: "step-far", trace: "t-far");
        far.Points3D[^1].Z += 5;
        // 30 cm above a corner of the table: in reach, but at least 27 cm from every object.
        var corner = robot.Robot.Scene.Tabletop.Camera.ToCamera(new Domain.Geometry.Point3D(0.58, 0.38, 0.3));
        var nothing = new ExecuteTrace { TaskId = "task-1", StepId = "step-nothing", TraceId = "t-nothing", Points3D = { new Point3D { X = corner.X, Y = corner.Y, Z = corner.Z } } };

        await orchestrator.Link.SendAsync(Traces.Cancel("step-never-sent"));
        await orchestrator.Link.SendAsync(new OrchestratorMessage());
        var results = new List<StepUpdate>();
        foreach (var bad in new[] { empty, nan, unknown, far, nothing })
        {
            await orchestrator.Link.SendAsync(Traces.Execute(bad));
            results.Add(await orchestrator.Link.NextStepUpdateAsync());
        }
        await orchestrator.Link.SendAsync(Traces.Execute(Traces.LiftAndShift(observation, "red cup", step: "step-good", trace: "t-good")));
        var good = await NextTerminalAsync(orchestrator);

        Assert.All(results, r => Assert.Equal((StepState.Failed, 0.0), (r.State, r.Progress)));
        Assert.Equal(["t-empty", "t-nan", "t-unknown", "t-far", "t-nothing"], results.Select(r => r.TraceId));
        Assert.Contains("no 3D points", results[0].Detail, StringComparison.Ordinal);
        Assert.Contains("points_3d[1]", results[1].Detail, StringComparison.Ordinal);
        Assert.Contains("obj-404", results[2].Detail, StringComparison.Ordinal);
        Assert.Equal(FailureKind.Unreachable, results[3].Failure);
        Assert.Equal(FailureKind.Grasp, results[4].Failure);
        Assert.Equal((StepState.Succeeded, "t-good"), (good.State, good.TraceId));
        Assert.True(robot.Log.Contains(LogLevel.Warning, "ignored CancelStep for task task-1 step step-never-sent: no step is running"));
        Assert.True(robot.Log.Contains(LogLevel.Warning, "rejected trace t-nan"));
        Assert.True(robot.Log.Contains(LogLevel.Warning, "ignored an orchestrator message with no body"));
        Assert.False(robot.Running.IsCompleted);
        Assert.Equal(1, orchestrator.Link.SessionsOpened);
    }

    [Fact]
    public async Task A_bad_replacement_leaves_the_running_trace_alone()
    {
        var clock = new SteppingTimeProvider();
        await using var orchestrator = await FakeOrchestrator.StartAsync();
        await using var robot = RobotUnderTest.Start(orchestrator, RobotUnderTest.Settings(), clock);
        var observation = await orchestrator.Link.NextObservationAsync();
        await orchestrator.Link.SendAsync(Traces.Execute(Traces.LiftAndShift(observation, "red cup")));
        await orchestrator.Link.NextAsync(m => m.StepUpdate?.State == StepState.Executing, "EXECUTING");
        var bad = Traces.LiftAndShift(observation, "red cup", trace: "trace-bad");
        bad.Points3D.Clear();

        await orchestrator.Link.SendAsync(Traces.Execute(bad));
        var rejected = await orchestrator.Link.NextStepUpdateAsync();
        var end = (await DriveToEndAsync(orchestrator, clock))[^1];

        Assert.Equal(("trace-bad", StepState.Failed), (rejected.TraceId, rejected.State));
        Assert.Equal(("trace-1", StepState.Succeeded), (end.TraceId, end.State));
    }

    internal static async Task<StepUpdate> NextTerminalAsync(FakeOrchestrator orchestrator) =>
        (await orchestrator.Link.NextAsync(m => m.StepUpdate is { } u && Traces.IsTerminal(u.State), "a final StepUpdate")).StepUpdate;

    /// <summary>Fires the robot's next timer and reads the update it causes, until the step ends.</summary>
    private static async Task<List<StepUpdate>> DriveToEndAsync(FakeOrchestrator orchestrator, SteppingTimeProvider clock)
    {
        var updates = new List<StepUpdate>();
        while (updates.Count == 0 || !Traces.IsTerminal(updates[^1].State))
        {
            await clock.AdvanceToNextTimerAsync(Window);
            updates.Add(await orchestrator.Link.NextStepUpdateAsync());
        }
        return updates;
    }
}
