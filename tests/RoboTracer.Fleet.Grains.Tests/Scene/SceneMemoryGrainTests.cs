using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.Serialization;
using RoboTracer.Fleet.Grains.Scene;
using RoboTracer.Fleet.Grains.Tests.Support;

namespace RoboTracer.Fleet.Grains.Tests.Scene;

public sealed class SceneMemoryGrainTests : IAsyncLifetime
{
    // A trace 0.4 m along x at z = 0.5, from the cup to the plate.
    private static readonly Point3D[] Path = [new(0, 0, 0.5), new(0.2, 0, 0.5), new(0.4, 0, 0.5)];

    private FleetHarness _fleet = null!;

    public async Task InitializeAsync() => _fleet = await FleetHarness.StartAsync();

    public async Task DisposeAsync() => await _fleet.DisposeAsync();

    private ISceneMemoryGrain Scene => _fleet.Grains.GetScene(FleetHarness.Table);

    [Fact]
    public async Task Observations_merge_into_the_snapshot_with_the_latest_frame_by_blob_reference()
    {
        var rgb = await _fleet.Store.PutBlobAsync(new byte[] { 1, 2, 3 });
        var depth = await _fleet.Store.PutBlobAsync(new byte[] { 4, 5 });
        var frame = new SceneFrame(new BlobReference(rgb.ToString()), new BlobReference(depth.ToString()), new CameraCalibration(600, 600, 320, 240, 640, 480), Now);

        await Scene.ObserveAsync(new SceneObservation(Now, [Box("cup", "red cup", new Point3D(0, 0, 0.5)), Box("plate", "plate", new Point3D(0.4, 0, 0.5))], frame));
        await Scene.ObserveAsync(new SceneObservation(Now, [Box("cup", "red cup", new Point3D(0.1, 0, 0.5))], RemovedObjectIds: ["plate"]));

        var snapshot = await Scene.GetSnapshotAsync();
        var cup = Assert.Single(snapshot.Objects);
        Assert.Equal(new Point3D(0.1, 0, 0.5), cup.Box.Center);
        Assert.Same(cup, SceneGrounding.Bind(snapshot, "the red cup").Object);
        var latest = await Scene.GetLatestFrameAsync();
        Assert.Equal(frame, latest);
        Assert.Equal(new byte[] { 1, 2, 3 }, await _fleet.Store.GetBlobAsync(BlobHashOf(latest!.Rgb)));
    }

    [Fact]
    public async Task A_new_object_in_the_corridor_fires_the_watch_once()
    {
        await Scene.ObserveAsync(new SceneObservation(Now, [Box("cup", "red cup", Path[0]), Box("plate", "plate", Path[2])]));
        var watch = Watch();
        Assert.Null(await Scene.WatchTraceAsync(watch, null));

        var far = await Scene.ObserveAsync(new SceneObservation(Now, [Box("bottle", "bottle", new Point3D(0.2, 0.5, 0.5))]));
        var near = await Scene.ObserveAsync(new SceneObservation(Now, [Box("mug", "mug", new Point3D(0.2, 0.06, 0.5))]));
        var again = await Scene.ObserveAsync(new SceneObservation(Now, [Box("mug", "mug", new Point3D(0.2, 0.02, 0.5))]));

        Assert.Empty(far);
        var notice = Assert.Single(near);
        Assert.Equal(SceneChangeKind.ObstacleInCorridor, notice.Change.Kind);
        Assert.Equal("mug", notice.Change.ObjectId);
        Assert.Equal(watch.Task, notice.Task);
        Assert.Empty(again);
        Assert.Equal(notice.Change, await Scene.WatchTraceAsync(watch, null));
    }

    [Fact]
    public async Task The_carried_object_moving_along_its_trace_is_not_a_change_but_moving_off_it_is()
    {
        await Scene.ObserveAsync(new SceneObservation(Now, [Box("cup", "red cup", Path[0]), Box("plate", "plate", Path[2])]));
        await Scene.WatchTraceAsync(Watch(), null);

        var carried = await Scene.ObserveAsync(new SceneObservation(Now, [Box("cup", "red cup", new Point3D(0.15, 0.01, 0.5))]));
        var knocked = await Scene.ObserveAsync(new SceneObservation(Now, [Box("cup", "red cup", new Point3D(0.15, 0.3, 0.5))]));

        Assert.Empty(carried);
        Assert.Equal(SceneChangeKind.ObjectMoved, Assert.Single(knocked).Change.Kind);
    }

    [Fact]
    public async Task A_moved_destination_fires_and_small_jitter_does_not()
    {
        await Scene.ObserveAsync(new SceneObservation(Now, [Box("cup", "red cup", Path[0]), Box("plate", "plate", Path[2])]));
        await Scene.WatchTraceAsync(Watch(), null);

        var jitter = await Scene.ObserveAsync(new SceneObservation(Now, [Box("plate", "plate", Path[2] + new Point3D(0.01, 0, 0))]));
        var moved = await Scene.ObserveAsync(new SceneObservation(Now, [Box("plate", "plate", Path[2] + new Point3D(0, 0, 0.2))]));

        Assert.Empty(jitter);
        Assert.Equal(SceneChangeKind.DestinationMoved, Assert.Single(moved).Change.Kind);
    }

    [Fact]
    public async Task A_change_merged_between_tracing_and_watching_fires_when_the_watch_starts()
    {
        await Scene.ObserveAsync(new SceneObservation(Now, [Box("cup", "red cup", Path[0]), Box("plate", "plate", Path[2])]));
        var seenByTracer = (await Scene.GetSnapshotAsync()).Objects.Select(o => new ObjectPosition(o.Id, o.Box.Center)).ToList();
        await Scene.ObserveAsync(new SceneObservation(Now, [Box("plate", "plate", Path[2] + new Point3D(0, 0, 0.2))]));
        var watch = Watch();

        var missed = await Scene.WatchTraceAsync(watch, seenByTracer);
        var later = await Scene.ObserveAsync(new SceneObservation(Now, [Box("plate", "plate", Path[2] + new Point3D(0, 0, 0.2))]));

        Assert.Equal(SceneChangeKind.DestinationMoved, missed?.Kind);
        Assert.Empty(later);
        Assert.Equal(missed, await Scene.WatchTraceAsync(watch, seenByTracer));
    }

    [Fact]
    public async Task A_watch_on_the_scene_the_tracer_saw_starts_quiet()
    {
        await Scene.ObserveAsync(new SceneObservation(Now, [Box("cup", "red cup", Path[0]), Box("plate", "plate", Path[2]), Box("bottle", "bottle", Path[1])]));
        var seenByTracer = (await Scene.GetSnapshotAsync()).Objects.Select(o => new ObjectPosition(o.Id, o.Box.Center)).ToList();

        Assert.Null(await Scene.WatchTraceAsync(Watch(), seenByTracer));
    }

    [Fact]
    public async Task A_low_confidence_detection_triggers_nothing()
    {
        await Scene.WatchTraceAsync(Watch(), null);

        var ghost = await Scene.ObserveAsync(new SceneObservation(Now, [Box("ghost", "shadow", Path[1], confidence: 0.1)]));

        Assert.Empty(ghost);
    }

    [Fact]
    public async Task A_malformed_observation_changes_nothing()
    {
        var nan = Box("cup", "red cup", new Point3D(double.NaN, 0, 0.5));

        await Assert.ThrowsAsync<ArgumentException>(() => Scene.ObserveAsync(new SceneObservation(Now, [nan])));
        await Assert.ThrowsAsync<ArgumentException>(() => Scene.ObserveAsync(new SceneObservation(Now, [Box("cup", "red cup", Path[0], confidence: 1.5)])));
        await Assert.ThrowsAsync<ArgumentException>(() => Scene.ObserveAsync(new SceneObservation(Now, [Box("a", "x", Path[0]), Box("a", "y", Path[1])])));

        Assert.Empty((await Scene.GetSnapshotAsync()).Objects);
        Assert.Equal(0, await _fleet.Store.GetStreamVersionAsync(FleetStreams.Scene(FleetHarness.Table)));
    }

    [Fact]
    public async Task Watches_survive_a_restart()
    {
        await Scene.ObserveAsync(new SceneObservation(Now, [Box("cup", "red cup", Path[0])]));
        await Scene.WatchTraceAsync(Watch(), null);

        await _fleet.RestartAsync();
        var notices = await Scene.ObserveAsync(new SceneObservation(Now, [Box("box", "box", Path[1])]));

        Assert.Equal(SceneChangeKind.ObstacleInCorridor, Assert.Single(notices).Change.Kind);
    }

    private DateTimeOffset Now => _fleet.Clock.GetUtcNow();

    private static TraceWatch Watch() => new(TaskId.New(), TraceId.New(), Path, "cup", "plate", CorridorRadius: 0.05, MoveTolerance: 0.03);

    private static SceneObjectState Box(string id, string label, Point3D center, double confidence = 0.9) =>
        new(id, label, new OrientedBox3D(center, new Point3D(0.06, 0.06, 0.06), Rotation3D.Identity), confidence, DateTimeOffset.UnixEpoch);

    private static EventStore.BlobHash BlobHashOf(BlobReference reference) => EventStore.BlobHash.Parse(reference.Sha256);
}
