using Microsoft.Extensions.DependencyInjection;
using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.Domain.Tasks;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.Serialization;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Grains.Scene;
using RoboTracer.Fleet.Grains.Tasks;
using RoboTracer.Fleet.Grains.Tests.Support;

namespace RoboTracer.Fleet.Grains.Tests.Tasks;

public sealed class TaskScenarioTests : IAsyncLifetime
{
    private const string FiveSteps =
        "pick up the red cup and place it in the sink then wipe the table then push the box then open the drawer then close the drawer";

    private static readonly Point3D CupStart = new(0.1, 0, 0.5);

    private FleetHarness _fleet = null!;

    public async Task InitializeAsync() => _fleet = await FleetHarness.StartAsync();

    public async Task DisposeAsync() => await _fleet.DisposeAsync();

    [Fact]
    public async Task A_five_step_instruction_runs_to_completion()
    {
        await _fleet.RegisterRobotAsync("r1");

        var (task, submitted) = await _fleet.SubmitAsync(FiveSteps);
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskCompleted");

        var status = await _fleet.Task(task).GetStatusAsync();
        Assert.Equal(5, submitted.Steps.Count);
        Assert.Equal(TaskPhase.Completed, status.Phase);
        Assert.All(status.Steps, s => Assert.Equal(StepPhase.Succeeded, s.Phase));
        Assert.Equal([0, 1, 2, 3, 4], _fleet.Robots.Executed.Select(c => c.StepIndex));
        Assert.Equal([0, 1, 2, 3, 4], _fleet.Tracer.All.Select(q => q.StepIndex));
        Assert.Null((await _fleet.Robot("r1").GetStatusAsync()).ReservedBy);
        Assert.Empty(await _fleet.Grains.GetTaskIndex().GetUnfinishedAsync());
        var history = _fleet.Events.Types(FleetStreams.Task(task));
        Assert.Equal(["TaskSubmitted", "TaskPlanningStarted", "TaskPlanned", "RobotAssigned", "TraceRequested", "TraceAssigned"], history.Take(6));
        Assert.Equal("TaskCompleted", history[^1]);
    }

    [Fact]
    public async Task A_scene_change_mid_step_requeries_and_replaces_the_trace_exactly_once()
    {
        var scene = _fleet.Grains.GetScene(FleetHarness.Table);
        await scene.ObserveAsync(new SceneObservation(_fleet.Clock.GetUtcNow(), [Cup(new Point3D(0.1, 0, 0.5)), Plate()]));
        await _fleet.RegisterRobotAsync("r1");
        _fleet.Robots.Hold(new RobotId("r1"));

        var (task, _) = await _fleet.SubmitAsync("pick up the red cup and place it on the plate");
        var first = await _fleet.Robots.WaitForExecuteAsync(_ => true);
        await _fleet.Events.WaitForAsync(FleetStreams.Scene(FleetHarness.Table), "TraceWatchStarted");

        // Someone moves the cup 0.3 m sideways, off the trace: the trace is wrong now.
        var moved = Cup(new Point3D(0.1, 0.3, 0.5));
        var notices = await scene.ObserveAsync(new SceneObservation(_fleet.Clock.GetUtcNow(), [moved, Plate()]));
        var replacement = await _fleet.Robots.WaitForExecuteAsync(c => c.Trace != first.Trace);
        await _fleet.Events.WaitForAsync(FleetStreams.Scene(FleetHarness.Table), "TraceWatchStarted", occurrence: 2);

        // The same view again, and again: nothing new to react to.
        Assert.Empty(await scene.ObserveAsync(new SceneObservation(_fleet.Clock.GetUtcNow(), [moved, Plate()])));
        Assert.Empty(await scene.ObserveAsync(new SceneObservation(_fleet.Clock.GetUtcNow(), [moved, Plate()])));
        await _fleet.Robots.CompleteAsync(replacement);
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskCompleted");

        Assert.Equal(SceneChangeKind.ObjectMoved, Assert.Single(notices).Change.Kind);
        Assert.Equal(0, replacement.StepIndex);
        Assert.Equal(moved.Box.Center, replacement.Points.Points3D[0]);
        Assert.Equal(first.Trace, Assert.Single(_fleet.Robots.Cancelled).Trace);
        Assert.Equal(2, _fleet.Robots.Executed.Count);
        Assert.Equal(2, _fleet.Tracer.All.Count);
        Assert.Equal(1, _fleet.Events.Count(FleetStreams.Task(task), "SceneChangeDetected"));
        var status = await _fleet.Task(task).GetStatusAsync();
        Assert.Equal(1, status.Steps[0].Replacements);
        Assert.Equal(0, status.Steps[0].Attempts);
    }

    [Fact]
    public async Task A_step_waiting_for_a_fresh_observation_is_verified_as_soon_as_one_is_merged()
    {
        var (scene, task, command) = await StartCheckedCupOnPlateAsync();

        // Less than a watchdog tick later the robot reports success; scene memory's picture is older than that.
        _fleet.Clock.Advance(TimeSpan.FromMilliseconds(100));
        await _fleet.Robots.CompleteAsync(command);
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "StepVerificationStarted");
        // The clock stands still from here: only the observation can finish the step, not the watchdog.
        await scene.ObserveAsync(new SceneObservation(_fleet.Clock.GetUtcNow(), [Cup(command.Points.Points3D[^1]), Plate()]));
        var succeeded = await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "StepSucceeded");

        Assert.Contains("0.00 m from where the trace ends", System.Text.Encoding.UTF8.GetString(succeeded.Data.Span), StringComparison.Ordinal);
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskCompleted");
    }

    [Fact]
    public async Task An_observation_that_arrived_before_the_success_report_does_not_verify_the_step_even_when_merged_after_it()
    {
        // The robot link handles reports and observations in separate lanes: a picture sent just before "succeeded"
        // may be merged just after it. It shows the scene before the step, so it must not count.
        var (scene, task, command) = await StartCheckedCupOnPlateAsync();
        _fleet.Clock.Advance(TimeSpan.FromMilliseconds(100));
        var before = _fleet.Clock.GetUtcNow();
        _fleet.Clock.Advance(TimeSpan.FromMilliseconds(10));

        await _fleet.Robots.CompleteAsync(command);
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "StepVerificationStarted");
        await scene.ObserveAsync(new SceneObservation(before, [Cup(CupStart), Plate()], ReceivedAt: before));
        // Queued behind the wake-up that observation sent the task: when it answers, the task has looked.
        await _fleet.Task(task).GetStatusAsync();
        await scene.ObserveAsync(new SceneObservation(_fleet.Clock.GetUtcNow(), [Cup(command.Points.Points3D[^1]), Plate()]));
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskCompleted");

        Assert.Equal(0, _fleet.Events.Count(FleetStreams.Task(task), "StepAttemptFailed"));
        Assert.Equal(1, _fleet.Events.Count(FleetStreams.Task(task), "StepSucceeded"));
    }

    [Fact]
    public async Task A_disconnected_robot_loses_its_remaining_steps_to_another_robot()
    {
        await _fleet.RegisterRobotAsync("r1", battery: 0.9);
        await _fleet.RegisterRobotAsync("r2", battery: 0.5);
        _fleet.Robots.Hold(new RobotId("r1"));

        var (task, submitted) = await _fleet.SubmitAsync("pick up the red cup and place it on the plate then wipe the table");
        await _fleet.Robots.WaitForExecuteAsync(c => c.Robot.Value == "r1" && c.StepIndex == 0);

        // r1 falls silent; r2 keeps heartbeating.
        await _fleet.AdvanceAsync(TimeSpan.FromSeconds(7), "r2");
        await _fleet.Events.WaitForAsync(FleetStreams.Robot(new RobotId("r1")), "RobotWentOffline");
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "AssignedRobotDisconnected");
        await _fleet.AdvanceAsync(TimeSpan.FromSeconds(6), "r2");
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskCompleted");

        var status = await _fleet.Task(task).GetStatusAsync();
        Assert.Equal("r1", submitted.Robot?.Value);
        Assert.Equal(TaskPhase.Completed, status.Phase);
        Assert.Equal("r2", status.Robot?.Value);
        Assert.Equal([0, 1], _fleet.Robots.Executed.Where(c => c.Robot.Value == "r2").Select(c => c.StepIndex));
        Assert.Equal(1, _fleet.Events.Count(FleetStreams.Task(task), "RobotUnassigned"));
        Assert.Null((await _fleet.Robot("r1").GetStatusAsync()).ReservedBy);
    }

    [Fact]
    public async Task Cancelling_mid_step_stops_the_robot_and_frees_it()
    {
        var robot = await _fleet.RegisterRobotAsync("r1");
        _fleet.Robots.Hold(new RobotId("r1"));
        var (task, _) = await _fleet.SubmitAsync("pick up the red cup and place it on the plate then wipe the table");
        var executing = await _fleet.Robots.WaitForExecuteAsync(_ => true);

        var status = await _fleet.Task(task).CancelAsync("operator stop");

        Assert.Equal(TaskPhase.Cancelled, status.Phase);
        Assert.Equal(FailureCategory.Cancelled, status.FailureCategory);
        Assert.Equal("operator stop", status.FailureReason);
        // Every view shows where the task stopped: the step under way ends with it, the next never ran.
        Assert.Equal([StepPhase.Cancelled, StepPhase.Skipped], status.Steps.Select(s => s.Phase));
        Assert.Equal(executing.Trace, Assert.Single(_fleet.Robots.Cancelled).Trace);
        var robotStatus = await robot.GetStatusAsync();
        Assert.Null(robotStatus.ReservedBy);
        Assert.Null(robotStatus.CurrentStep);
        Assert.Empty(await _fleet.Grains.GetTaskIndex().GetUnfinishedAsync());
        Assert.False(await robot.ReportStepUpdateAsync(new RobotStepUpdate(task, 0, executing.Trace, RobotStepState.Succeeded, 1)));
        Assert.Equal(TaskPhase.Cancelled, (await _fleet.Task(task).CancelAsync("again")).Phase);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _fleet.Task(task).ResumeAsync());
    }

    [Fact]
    public async Task Cancelling_while_a_step_is_verified_ends_its_scene_watch()
    {
        // A verifying step keeps its watch until verification decides; a task that ends first must end it too.
        var (scene, task, command) = await StartCheckedCupOnPlateAsync();
        await _fleet.Events.WaitForAsync(FleetStreams.Scene(FleetHarness.Table), "TraceWatchStarted");
        _fleet.Clock.Advance(TimeSpan.FromMilliseconds(100));
        await _fleet.Robots.CompleteAsync(command);
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "StepVerificationStarted");

        var status = await _fleet.Task(task).CancelAsync("operator stop");
        var ended = await _fleet.Events.WaitForAsync(FleetStreams.Scene(FleetHarness.Table), "TraceWatchEnded");

        Assert.Equal(TaskPhase.Cancelled, status.Phase);
        Assert.Contains(command.Trace.Value, System.Text.Encoding.UTF8.GetString(ended.Data.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pause_stops_the_step_and_resume_traces_it_again()
    {
        await _fleet.RegisterRobotAsync("r1");
        _fleet.Robots.Hold(new RobotId("r1"));
        var (task, _) = await _fleet.SubmitAsync("pick up the red cup and place it on the plate");
        var first = await _fleet.Robots.WaitForExecuteAsync(_ => true);

        var paused = await _fleet.Task(task).PauseAsync("lunch");
        _fleet.Robots.Auto(new RobotId("r1"));
        await _fleet.Task(task).ResumeAsync();
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskCompleted");

        Assert.Equal(TaskPhase.Paused, paused.Phase);
        Assert.Equal(first.Trace, Assert.Single(_fleet.Robots.Cancelled).Trace);
        Assert.Equal(2, _fleet.Robots.Executed.Count);
        Assert.Equal(0, (await _fleet.Task(task).GetStatusAsync()).Steps[0].Attempts);
    }

    [Fact]
    public async Task After_a_restart_a_robot_still_on_its_trace_goes_on_with_it()
    {
        var (task, held) = await StopWhileStepTwoRunsAsync();
        var executedBefore = _fleet.Robots.Executed.Count;
        var tracedBefore = _fleet.Tracer.All.Count;

        await _fleet.RestartAsync();
        // The robot's link outlived the node; its next heartbeat tells the new activation of its grain where it is.
        await _fleet.Robot("r1").HeartbeatAsync(new RobotHeartbeat(), _fleet.Link);
        var resumed = await _fleet.Grains.RecoverAsync();
        await _fleet.Robots.CompleteAsync(held);
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskCompleted");

        Assert.Equal((task, 2), (Assert.Single(resumed).Id, resumed[0].CurrentStep));
        Assert.Empty(_fleet.Robots.Executed.Skip(executedBefore));
        Assert.Empty(_fleet.Tracer.All.Skip(tracedBefore));
        Assert.Empty(_fleet.Robots.Cancelled);
        Assert.Equal(0, _fleet.Events.Count(FleetStreams.Task(task), "StepInterrupted"));
        // The index hears of the end after TaskCompleted is stored; asking the task first waits for that turn to end.
        Assert.Equal(TaskPhase.Completed, (await _fleet.Task(task).GetStatusAsync()).Phase);
        Assert.Empty(await _fleet.Grains.GetTaskIndex().GetUnfinishedAsync());
    }

    [Fact]
    public async Task After_a_restart_a_trace_the_robot_never_got_is_sent_again_under_its_first_command_id_not_traced_again()
    {
        await _fleet.RegisterRobotAsync("r1");
        var r1 = new RobotId("r1");
        // Step 1's command is recorded by the robot's grain, then lost with its link; the node dies before anyone notices.
        _fleet.Robots.LoseNext(r1, c => c.StepIndex == 1);
        var (task, _) = await _fleet.SubmitAsync("pick up the red cup and place it on the plate then push the box then wipe the table");
        // The task watches the scene once the robot's grain has sent the trace (here: into the void).
        await _fleet.Events.WaitForAsync(FleetStreams.Scene(FleetHarness.Table), "TraceWatchStarted", occurrence: 2);
        var tracedBefore = _fleet.Tracer.All.Count;

        await _fleet.RestartAsync();
        await _fleet.Robot("r1").HeartbeatAsync(new RobotHeartbeat(), _fleet.Link);
        await _fleet.Grains.RecoverAsync();
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskCompleted");

        // Sent twice under one id (lost, then delivered), run once, and not traced again.
        var sentTwice = Assert.Single(_fleet.Robots.CommandIds.GroupBy(id => id), ids => ids.Count() > 1);
        Assert.Equal(2, sentTwice.Count());
        var stepOne = Assert.Single(_fleet.Robots.Executed, c => c.StepIndex == 1);
        Assert.DoesNotContain(_fleet.Tracer.All.Skip(tracedBefore), q => q.StepIndex == 1);
        Assert.Empty(_fleet.Robots.Cancelled);
        Assert.Equal(0, _fleet.Events.Count(FleetStreams.Task(task), "StepInterrupted"));
        Assert.Equal(3, _fleet.Events.Count(FleetStreams.Task(task), "StepSucceeded"));
        Assert.Equal(stepOne.Trace, (await _fleet.Task(task).GetStatusAsync()).Steps[1].Trace);
    }

    [Fact]
    public async Task After_a_restart_a_report_that_never_reached_the_task_is_taken_from_the_robots_record()
    {
        var (task, held) = await StopWhileStepTwoRunsAsync();
        var executedBefore = _fleet.Robots.Executed.Count;

        // The robot's grain recorded the robot's success; the node died before the task heard of it.
        await _fleet.RestartAsync(whileDown: store => AppendRobotEventAsync(store, new RobotStepReported(
            new RobotStepUpdate(task, 2, held.Trace, RobotStepState.Succeeded, 1, ReceivedAt: _fleet.Clock.GetUtcNow()), _fleet.Clock.GetUtcNow())));
        var resumed = await _fleet.Grains.RecoverAsync();
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskCompleted");

        Assert.Equal(task, Assert.Single(resumed).Id);
        Assert.Empty(_fleet.Robots.Executed.Skip(executedBefore));
        // Three steps, each succeeded once: step 2 on the robot's recorded word.
        Assert.Equal(3, _fleet.Events.Count(FleetStreams.Task(task), "StepSucceeded"));
        Assert.Equal(0, _fleet.Events.Count(FleetStreams.Task(task), "StepInterrupted"));
    }

    [Fact]
    public async Task After_a_restart_a_step_whose_robot_is_not_on_its_trace_is_stopped_traced_and_issued_again()
    {
        var (task, held) = await StopWhileStepTwoRunsAsync();
        var executedBefore = _fleet.Robots.Executed.Count;
        var tracedBefore = _fleet.Tracer.All.Count;

        // While the node was down the robot gave up the trace (its grain recorded the cancel).
        await _fleet.RestartAsync(whileDown: store => AppendRobotEventAsync(store,
            new RobotStepCancelRequested(task, 2, held.Trace, "operator stop", _fleet.Clock.GetUtcNow())));
        _fleet.Robots.Auto(new RobotId("r1"));
        await _fleet.Robot("r1").HeartbeatAsync(new RobotHeartbeat(), _fleet.Link);
        await _fleet.Grains.RecoverAsync();
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskCompleted");

        Assert.Equal([2], _fleet.Robots.Executed.Skip(executedBefore).Select(c => c.StepIndex));
        Assert.Equal([2], _fleet.Tracer.All.Skip(tracedBefore).Select(q => q.StepIndex));
        Assert.Equal(held.Trace, Assert.Single(_fleet.Robots.Cancelled).Trace);
        Assert.Equal(1, _fleet.Events.Count(FleetStreams.Task(task), "StepInterrupted"));
        Assert.Equal(TaskPhase.Completed, (await _fleet.Task(task).GetStatusAsync()).Phase);
    }

    /// <summary>Steps 0 and 1 complete; returns once the robot holds step 2's trace (and so step 2 is under way).</summary>
    private async Task<(TaskId Task, ExecuteTraceCommand Held)> StopWhileStepTwoRunsAsync()
    {
        await _fleet.RegisterRobotAsync("r1");
        _fleet.Robots.Hold(new RobotId("r1"), c => c.StepIndex == 2);
        var (task, _) = await _fleet.SubmitAsync("pick up the red cup and place it on the plate then push the box then wipe the table");
        var held = await _fleet.Robots.WaitForExecuteAsync(c => c.StepIndex == 2);
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "StepSucceeded", occurrence: 2);
        // The task watches the scene once the robot has taken the trace.
        await _fleet.Events.WaitForAsync(FleetStreams.Scene(FleetHarness.Table), "TraceWatchStarted", occurrence: 3);
        return (task, held);
    }

    private static async Task AppendRobotEventAsync(IEventStore store, RobotEvent @event)
    {
        var stream = FleetStreams.Robot(new RobotId("r1"));
        var version = await store.GetStreamVersionAsync(stream);
        await store.AppendAsync(stream, ExpectedVersion.Exact(version), [FleetEvents.CreateSerializer().Serialize(@event)]);
    }

    [Fact]
    public async Task An_unfinished_task_keeps_a_resume_reminder_and_a_finished_one_has_none()
    {
        await _fleet.RegisterRobotAsync("r1");
        _fleet.Robots.Hold(new RobotId("r1"));
        var (task, _) = await _fleet.SubmitAsync("pick up the red cup and place it on the plate");
        var reminders = _fleet.Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();
        var grain = _fleet.Task(task).GetGrainId();

        var whileRunning = (await reminders.ReadRows(grain)).Reminders;
        await _fleet.Task(task).CancelAsync("the test is over");
        var afterwards = (await reminders.ReadRows(grain)).Reminders;

        var reminder = Assert.Single(whileRunning);
        Assert.Equal((TaskGrain.ResumeReminder, _fleet.TaskOptions.ResumePeriod), (reminder.ReminderName, reminder.Period));
        Assert.Empty(afterwards);
    }

    [Fact]
    public async Task A_robot_failure_moves_the_step_to_another_capable_robot()
    {
        await _fleet.RegisterRobotAsync("r1", battery: 0.9);
        await _fleet.RegisterRobotAsync("r2", battery: 0.4);
        _fleet.Robots.Hold(new RobotId("r1"));
        var (task, _) = await _fleet.SubmitAsync("pick up the red cup and place it on the plate");
        var first = await _fleet.Robots.WaitForExecuteAsync(_ => true);

        await _fleet.Robot("r1").ReportStepUpdateAsync(new RobotStepUpdate(task, 0, first.Trace, RobotStepState.Failed, 0.3, RobotFailureKind.Grasp, "slipped"));
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskCompleted");

        var status = await _fleet.Task(task).GetStatusAsync();
        Assert.Equal("r2", status.Robot?.Value);
        Assert.Equal(1, status.Steps[0].Attempts);
        Assert.Contains("grasp", status.Steps[0].LastFailure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_step_that_outlives_its_timeout_is_retried_then_fails_the_task_as_timeout()
    {
        await _fleet.RegisterRobotAsync("r1");
        _fleet.Robots.Hold(new RobotId("r1"));
        var (task, _) = await _fleet.SubmitAsync("wipe the table then push the box to the left");

        for (var attempt = 1; attempt <= _fleet.TaskOptions.MaxAttemptsPerStep; attempt++)
        {
            await _fleet.Robots.WaitForExecuteAsync(_ => _fleet.Robots.Executed.Count >= attempt);
            await _fleet.AdvanceAsync(_fleet.TaskOptions.StepTimeout + TimeSpan.FromSeconds(2), "r1");
        }
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskFailed");

        var status = await _fleet.Task(task).GetStatusAsync();
        Assert.Equal(TaskPhase.Failed, status.Phase);
        Assert.Equal(FailureCategory.Timeout, status.FailureCategory);
        Assert.Equal([StepPhase.Failed, StepPhase.Skipped], status.Steps.Select(s => s.Phase));
        Assert.Equal(3, _fleet.Robots.Executed.Count);
        Assert.Equal(3, _fleet.Robots.Cancelled.Count);
    }

    /// <summary>
    /// "Put the red cup on the plate" with a success check against scene memory, which has seen the cup at
    /// <see cref="CupStart"/>; robot r1 holds the step (it executes only when told).
    /// </summary>
    private async Task<(ISceneMemoryGrain Scene, TaskId Task, ExecuteTraceCommand Command)> StartCheckedCupOnPlateAsync()
    {
        _fleet.Planner.Check = new SuccessCheck(SuccessCheckKind.ObjectAtDestination, "the cup is on the plate");
        var scene = _fleet.Grains.GetScene(FleetHarness.Table);
        await scene.ObserveAsync(new SceneObservation(_fleet.Clock.GetUtcNow(), [Cup(CupStart), Plate()]));
        await _fleet.RegisterRobotAsync("r1");
        _fleet.Robots.Hold(new RobotId("r1"));
        var (task, _) = await _fleet.SubmitAsync("pick up the red cup and place it on the plate");
        return (scene, task, await _fleet.Robots.WaitForExecuteAsync(_ => true));
    }

    private static SceneObjectState Cup(Point3D at) =>
        new("cup-1", "red cup", new OrientedBox3D(at, new Point3D(0.06, 0.1, 0.06), Rotation3D.Identity), 0.9, DateTimeOffset.UnixEpoch);

    private static SceneObjectState Plate() =>
        new("plate-1", "plate", new OrientedBox3D(new Point3D(0.4, 0, 0.5), new Point3D(0.2, 0.02, 0.2), Rotation3D.Identity), 0.9, DateTimeOffset.UnixEpoch);
}
