using System.Text;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.Domain.Tasks;
using RoboTracer.Fleet.Grains.Scene;
using RoboTracer.Fleet.Grains.Tests.Support;
using RoboTracer.Fleet.Serialization;

namespace RoboTracer.Fleet.Grains.Tests.Tasks;

/// <summary>
/// Issue 21: a task binds each step's object to scene memory before tracing it, sends the robot the bound object, and
/// counts a step done only when the scene after it shows that object where the check wants it. The fake planner
/// binds nothing, as a plan made before the task had a robot: the task grain binds.
/// </summary>
public sealed class GroundingTests : IAsyncLifetime
{
    private static readonly Point3D CupStart = new(0.1, 0, 0.5);
    private static readonly Point3D PlateAt = new(0.4, 0, 0.5);

    private FleetHarness _fleet = null!;

    public async Task InitializeAsync() => _fleet = await FleetHarness.StartAsync();

    public async Task DisposeAsync() => await _fleet.DisposeAsync();

    [Fact]
    public async Task A_step_naming_an_object_the_scene_lacks_fails_the_task_with_the_object_and_what_the_scene_holds()
    {
        await ObserveAsync(Cup(CupStart), Plate(PlateAt), Object("block-1", "green block", new Point3D(-0.2, 0, 0.5)));
        await _fleet.RegisterRobotAsync("r1");

        var (task, _) = await _fleet.SubmitAsync("pick up the red block and place it on the blue plate");
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskFailed");

        var status = await _fleet.Task(task).GetStatusAsync();
        Assert.Equal(FailureCategory.Planning, status.FailureCategory);
        Assert.Equal(
            "step 1 (\"pick up the red block and place it on the blue plate\"): no 'red block' in scene table; seen: green block, red cup, white plate",
            status.FailureReason);
        Assert.Empty(_fleet.Robots.Executed);
        Assert.Empty(_fleet.Tracer.All);
    }

    [Fact]
    public async Task The_tracer_and_the_robot_get_the_bound_object_not_one_whose_label_the_words_contain()
    {
        // "the cup" holds no colour: it binds the only cup, never the "cupboard"; "the plate" binds the white plate.
        await ObserveAsync(Object("cupboard-1", "cupboard", new Point3D(-0.3, 0, 0.6)), Cup(CupStart), Plate(PlateAt));
        await _fleet.RegisterRobotAsync("r1");

        var (task, _) = await _fleet.SubmitAsync("pick up the cup and place it on the plate");
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskCompleted");

        var query = Assert.Single(_fleet.Tracer.All);
        Assert.Equal(("cup-1", "plate-1"), (query.Object?.Id, query.Destination?.Id));
        Assert.Equal("cup-1", Assert.Single(_fleet.Robots.Executed).ObjectId);
    }

    [Fact]
    public async Task A_trace_that_moved_another_object_fails_verification_and_names_the_object_it_moved()
    {
        var (scene, task, _) = await ReportedDoneAsync();

        // The robot carried the plate along the trace and left the cup where it was.
        await scene.ObserveAsync(new SceneObservation(_fleet.Clock.GetUtcNow(), [Cup(CupStart), Plate(PlateAt + new Point3D(0, 0.25, 0))]));
        var failed = await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "StepAttemptFailed");

        Assert.Contains(
            "verification failed: the robot moved the white plate (plate-1) by 0.25 m instead of the red cup (cup-1); the red cup (cup-1) is 0.30 m from where the trace ends",
            Encoding.UTF8.GetString(failed.Data.Span),
            StringComparison.Ordinal);
        Assert.Equal(0, _fleet.Events.Count(FleetStreams.Task(task), "StepSucceeded"));
    }

    [Fact]
    public async Task No_observation_after_the_success_report_is_a_failed_attempt_not_a_success()
    {
        var (_, task, _) = await ReportedDoneAsync();

        await _fleet.AdvanceAsync(_fleet.TaskOptions.VerificationTimeout + TimeSpan.FromSeconds(2), "r1");
        var failed = await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "StepAttemptFailed");

        var data = Encoding.UTF8.GetString(failed.Data.Span);
        Assert.True(data.Contains("verification failed: no observation of scene table arrived within 10 s", StringComparison.Ordinal), data);
        Assert.Equal(0, _fleet.Events.Count(FleetStreams.Task(task), "StepSucceeded"));
    }

    [Fact]
    public async Task The_bound_object_at_the_end_of_the_trace_succeeds_and_the_detail_names_it()
    {
        var (scene, task, command) = await ReportedDoneAsync();

        await scene.ObserveAsync(new SceneObservation(_fleet.Clock.GetUtcNow(), [Cup(command.Points.Points3D[^1]), Plate(PlateAt)]));
        var succeeded = await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "StepSucceeded");

        Assert.Contains("the red cup (cup-1) is 0.00 m from where the trace ends", Encoding.UTF8.GetString(succeeded.Data.Span), StringComparison.Ordinal);
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskCompleted");
    }

    /// <summary>
    /// "Put the red cup on the plate", checked against scene memory, once robot r1 has reported it done; scene memory's
    /// last picture is from before the report, so only a later one can verify it.
    /// </summary>
    private async Task<(ISceneMemoryGrain Scene, TaskId Task, Grains.Robots.ExecuteTraceCommand Command)> ReportedDoneAsync()
    {
        _fleet.Planner.Check = new SuccessCheck(SuccessCheckKind.ObjectAtDestination, "the cup is on the plate");
        var scene = await ObserveAsync(Cup(CupStart), Plate(PlateAt));
        await _fleet.RegisterRobotAsync("r1");
        _fleet.Robots.Hold(new RobotId("r1"));
        var (task, _) = await _fleet.SubmitAsync("pick up the red cup and place it on the plate");
        var command = await _fleet.Robots.WaitForExecuteAsync(_ => true);
        // Verification compares against the scene the tracer saw: the watch must hold it before the robot reports.
        await _fleet.Events.WaitForAsync(FleetStreams.Scene(FleetHarness.Table), "TraceWatchStarted");
        _fleet.Clock.Advance(TimeSpan.FromMilliseconds(100));
        await _fleet.Robots.CompleteAsync(command);
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "StepVerificationStarted");
        return (scene, task, command);
    }

    private async Task<ISceneMemoryGrain> ObserveAsync(params SceneObjectState[] objects)
    {
        var scene = _fleet.Grains.GetScene(FleetHarness.Table);
        await scene.ObserveAsync(new SceneObservation(_fleet.Clock.GetUtcNow(), objects));
        return scene;
    }

    private static SceneObjectState Cup(Point3D at) => Object("cup-1", "red cup", at);

    private static SceneObjectState Plate(Point3D at) => Object("plate-1", "white plate", at);

    private static SceneObjectState Object(string id, string label, Point3D at) =>
        new(id, label, new OrientedBox3D(at, new Point3D(0.06, 0.1, 0.06), Rotation3D.Identity), 0.9, DateTimeOffset.UnixEpoch);
}
