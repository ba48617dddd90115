using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.Grains.Scene;
using RoboTracer.Fleet.Grains.Tests.Support;
using RoboTracer.Fleet.Grains.Tracing;
using RoboTracer.Fleet.Serialization;

namespace RoboTracer.Fleet.Grains.Tests.Tasks;

/// <summary>The next step's trace, fetched while a step executes (TaskGrain.Prefetch.cs).</summary>
public sealed class TracePrefetchTests : IAsyncLifetime
{
    private const string TwoSteps = "pick up the red cup and place it on the plate then push the box";
    private static readonly RobotId R1 = new("r1");
    private static readonly Point3D BoxStart = new(-0.4, 0.4, 0.5);
    private FleetHarness _fleet = null!;

    public async Task InitializeAsync() => _fleet = await FleetHarness.StartAsync();

    public async Task DisposeAsync() => await _fleet.DisposeAsync();

    [Fact]
    public async Task The_next_trace_is_asked_for_while_the_step_runs_and_recorded_in_the_append_of_the_steps_success()
    {
        var (scene, task, first) = await StartFirstStepAsync();
        var ahead = await NextQueryAsync(q => q.StepIndex == 1);

        // Asked while step 0 still runs, for the scene as step 0's trace leaves it: the cup at its end.
        Assert.DoesNotContain(_fleet.Robots.Executed, c => c.StepIndex == 1);
        Assert.Equal(first.Points.Points3D[^1], Assert.Single(ahead.SceneHints, o => o.Id == "cup-1").Box.Center);
        await FinishFirstStepAsync(scene, first);
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskCompleted");

        Assert.Equal([0, 1], _fleet.Tracer.All.Select(q => q.StepIndex));
        Assert.Equal(ahead.Trace, Assert.Single(_fleet.Robots.Executed, c => c.StepIndex == 1).Trace);
        // Step 0's success, step 1's request and its assignment: one decision, one append.
        var events = _fleet.Events.Stream(FleetStreams.Task(task));
        var decided = new[] { "StepSucceeded", "TraceRequested", "TraceAssigned" }
            .Select(type => events.First(e => e.EventType == type && Payload(e).Contains("\"stepIndex\":" + (type == "StepSucceeded" ? 0 : 1), StringComparison.Ordinal)))
            .ToList();
        Assert.Single(decided.Select(Batch).Distinct());
        Assert.Equal(decided.Select(e => e.Version), Enumerable.Range((int)decided[0].Version, 3).Select(v => (long)v));
    }

    [Fact]
    public async Task A_trace_asked_for_ahead_is_dropped_and_asked_again_when_the_scene_no_longer_fits_it()
    {
        var (scene, task, first) = await StartFirstStepAsync();
        var ahead = await NextQueryAsync(q => q.StepIndex == 1);

        // Someone moves the box before step 1 starts: the trace fetched for it starts where the box was.
        var movedBox = BoxStart + new Point3D(0, -0.3, 0);
        await scene.ObserveAsync(new SceneObservation(_fleet.Clock.GetUtcNow(), [Cup(first.Points.Points3D[0]), Plate(), Box(movedBox)]));
        await FinishFirstStepAsync(scene, first, movedBox);
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskCompleted");

        Assert.Equal([0, 1, 1], _fleet.Tracer.All.Select(q => q.StepIndex));
        var sent = Assert.Single(_fleet.Robots.Executed, c => c.StepIndex == 1);
        Assert.NotEqual(ahead.Trace, sent.Trace);
        Assert.Equal(movedBox, sent.Points.Points3D[0]);
        Assert.DoesNotContain(_fleet.Events.Stream(FleetStreams.Task(task)), e => Payload(e).Contains(ahead.Trace.ToString(), StringComparison.Ordinal));
    }

    private async Task<(ISceneMemoryGrain Scene, TaskId Task, Grains.Robots.ExecuteTraceCommand First)> StartFirstStepAsync()
    {
        var scene = _fleet.Grains.GetScene(FleetHarness.Table);
        await scene.ObserveAsync(new SceneObservation(_fleet.Clock.GetUtcNow(), [Cup(new Point3D(0.1, 0, 0.5)), Plate(), Box(BoxStart)]));
        await _fleet.RegisterRobotAsync("r1");
        _fleet.Robots.Hold(R1, c => c.StepIndex == 0);
        var (task, _) = await _fleet.SubmitAsync(TwoSteps);
        return (scene, task, await _fleet.Robots.WaitForExecuteAsync(c => c.StepIndex == 0));
    }

    /// <summary>The robot finishes step 0 and the camera sees the cup where the trace ended.</summary>
    private async Task FinishFirstStepAsync(ISceneMemoryGrain scene, Grains.Robots.ExecuteTraceCommand first, Point3D? box = null)
    {
        _fleet.Robots.Auto(R1);
        await scene.ObserveAsync(new SceneObservation(_fleet.Clock.GetUtcNow(), [Cup(first.Points.Points3D[^1]), Plate(), Box(box ?? BoxStart)]));
        await _fleet.Robots.CompleteAsync(first);
    }

    private async Task<TraceQuery> NextQueryAsync(Func<TraceQuery, bool> match)
    {
        using var timeout = new CancellationTokenSource(Wait.Timeout);
        while (true)
        {
            var query = await _fleet.Tracer.Queries.Reader.ReadAsync(timeout.Token);
            if (match(query))
            {
                return query;
            }
        }
    }

    private static string Payload(RecordedEvent e) => System.Text.Encoding.UTF8.GetString(e.Data.Span);

    // The grains key each event "<batch>:<index in batch>".
    private static string Batch(RecordedEvent e) => e.IdempotencyKey![..e.IdempotencyKey!.LastIndexOf(':')];

    private static SceneObjectState Cup(Point3D at) =>
        new("cup-1", "red cup", new OrientedBox3D(at, new Point3D(0.06, 0.1, 0.06), Rotation3D.Identity), 0.9, DateTimeOffset.UnixEpoch);

    private static SceneObjectState Plate() =>
        new("plate-1", "plate", new OrientedBox3D(new Point3D(0.4, 0, 0.5), new Point3D(0.2, 0.02, 0.2), Rotation3D.Identity), 0.9, DateTimeOffset.UnixEpoch);

    private static SceneObjectState Box(Point3D at) =>
        new("box-1", "box", new OrientedBox3D(at, new Point3D(0.1, 0.1, 0.1), Rotation3D.Identity), 0.9, DateTimeOffset.UnixEpoch);
}
