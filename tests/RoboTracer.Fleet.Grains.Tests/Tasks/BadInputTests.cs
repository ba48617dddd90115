using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Tasks;
using RoboTracer.Fleet.Domain.Traces;
using RoboTracer.Fleet.Serialization;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Grains.Tasks;
using RoboTracer.Fleet.Grains.Tests.Support;

namespace RoboTracer.Fleet.Grains.Tests.Tasks;

public sealed class BadInputTests : IAsyncLifetime
{
    private FleetHarness _fleet = null!;

    public async Task InitializeAsync() => _fleet = await FleetHarness.StartAsync();

    public async Task DisposeAsync() => await _fleet.DisposeAsync();

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_empty_instruction_is_rejected_before_planning(string instruction)
    {
        await _fleet.RegisterRobotAsync("r1");
        var task = TaskId.New();

        var failure = await Assert.ThrowsAsync<ArgumentException>(() => _fleet.Task(task).SubmitAsync(new TaskSubmission(instruction)));

        Assert.Contains("empty", failure.Message, StringComparison.Ordinal);
        await AssertNothingHappenedAsync(task);
    }

    [Fact]
    public async Task A_100_KB_instruction_is_rejected_before_planning()
    {
        await _fleet.RegisterRobotAsync("r1");
        var task = TaskId.New();

        var failure = await Assert.ThrowsAsync<ArgumentException>(() =>
            _fleet.Task(task).SubmitAsync(new TaskSubmission(string.Concat(Enumerable.Repeat("pick up the cup ", 6400)))));

        Assert.Contains("102400 characters", failure.Message, StringComparison.Ordinal);
        await AssertNothingHappenedAsync(task);
    }

    [Fact]
    public async Task An_unknown_robot_is_rejected_and_nothing_is_recorded()
    {
        await _fleet.RegisterRobotAsync("r1");
        var task = TaskId.New();

        var failure = await Assert.ThrowsAsync<UnknownRobotException>(() =>
            _fleet.Task(task).SubmitAsync(new TaskSubmission("wipe the table", new RobotId("ghost"))));

        Assert.Equal("ghost", failure.Robot.Value);
        await AssertNothingHappenedAsync(task);
    }

    [Fact]
    public async Task A_robot_without_the_needed_capability_is_rejected_and_stays_free()
    {
        var arm = await _fleet.RegisterRobotAsync("arm", 0.8, "pick", "place");
        var task = TaskId.New();

        var failure = await Assert.ThrowsAsync<RobotCapabilityException>(() =>
            _fleet.Task(task).SubmitAsync(new TaskSubmission("pick up the cup and place it on the plate then wipe the table", new RobotId("arm"))));

        Assert.Equal("wipe", failure.Action);
        Assert.Equal(1, failure.StepIndex);
        Assert.Contains("declares pick, place", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, await _fleet.Store.GetStreamVersionAsync(FleetStreams.Task(task)));
        Assert.Null((await arm.GetStatusAsync()).ReservedBy);
        Assert.Empty(_fleet.Robots.Executed);
    }

    [Fact]
    public async Task An_instruction_the_planner_cannot_plan_fails_the_task_as_planning()
    {
        await _fleet.RegisterRobotAsync("r1");

        var (_, status) = await _fleet.SubmitAsync("do something unplannable");

        Assert.Equal(TaskPhase.Failed, status.Phase);
        Assert.Equal(FailureCategory.Planning, status.FailureCategory);
        Assert.Empty(_fleet.Robots.Executed);
    }

    [Fact]
    public async Task A_trace_with_a_NaN_point_never_reaches_the_robot_and_the_step_is_traced_again()
    {
        await _fleet.RegisterRobotAsync("r1");
        _fleet.Tracer.Answer = (query, n) => n == 0
            ? new SpatialTrace([new Point3D(0, 0, 0.5), new Point3D(double.NaN, 0, 0.5)], [], "fake")
            : FakeTracer.Line(query);

        var (task, _) = await _fleet.SubmitAsync("wipe the table");
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskCompleted");

        var sent = Assert.Single(_fleet.Robots.Executed);
        Assert.All(sent.Points.Points3D, p => Assert.True(p.IsFinite));
        var status = await _fleet.Task(task).GetStatusAsync();
        Assert.Equal(1, status.Steps[0].Attempts);
        Assert.Contains("not a finite number", status.Steps[0].LastFailure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Traces_outside_the_workspace_never_reach_the_robot_and_fail_the_task_as_trace()
    {
        await _fleet.RegisterRobotAsync("r1");
        _fleet.Tracer.Answer = (_, _) => new SpatialTrace([new Point3D(0, 0, 0.5), new Point3D(0, 0, 3.5)], [], "fake");

        var (task, _) = await _fleet.SubmitAsync("wipe the table");
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskFailed");

        var status = await _fleet.Task(task).GetStatusAsync();
        Assert.Equal(FailureCategory.Trace, status.FailureCategory);
        Assert.Contains("outside the robot's workspace", status.FailureReason, StringComparison.Ordinal);
        Assert.Equal(_fleet.TaskOptions.MaxAttemptsPerStep, _fleet.Tracer.All.Count);
        Assert.Empty(_fleet.Robots.Executed);
        Assert.Null((await _fleet.Robot("r1").GetStatusAsync()).ReservedBy);
    }

    [Fact]
    public async Task The_robot_grain_refuses_a_bad_trace_even_when_a_caller_skips_the_task()
    {
        var robot = await _fleet.RegisterRobotAsync("r1");
        var task = TaskId.New();
        Assert.True(await robot.TryReserveAsync(task));
        var versionBefore = await _fleet.Store.GetStreamVersionAsync(FleetStreams.Robot(new RobotId("r1")));

        await Assert.ThrowsAsync<ArgumentException>(() => robot.ExecuteStepAsync(new ExecuteTraceCommand(
            new RobotId("r1"), task, 0, TraceId.New(), "wipe", new SpatialTrace([new Point3D(0, double.PositiveInfinity, 1)], []), null)));

        Assert.Empty(_fleet.Robots.Executed);
        Assert.Equal(versionBefore, await _fleet.Store.GetStreamVersionAsync(FleetStreams.Robot(new RobotId("r1"))));
    }

    [Fact]
    public async Task Unknown_tasks_answer_with_a_clear_error()
    {
        var failure = await Assert.ThrowsAsync<UnknownTaskException>(() => _fleet.Task(new TaskId("nope")).GetStatusAsync());

        Assert.Equal("Task 'nope' does not exist.", failure.Message);
    }

    private async Task AssertNothingHappenedAsync(TaskId task)
    {
        Assert.Equal(0, _fleet.Planner.Calls);
        Assert.Equal(0, await _fleet.Store.GetStreamVersionAsync(FleetStreams.Task(task)));
        Assert.Empty(await _fleet.Grains.GetTaskIndex().ListAsync());
        Assert.Null((await _fleet.Robot("r1").GetStatusAsync()).ReservedBy);
    }
}
