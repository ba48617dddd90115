using Orleans.Concurrency;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Scene;

namespace RoboTracer.Fleet.Grains.Scene;

/// <summary>
/// What the fleet knows about one scene (key: the scene id; stream <c>scene-{id}</c>): its objects, its latest
/// frame, and the traces tasks asked it to watch.
/// </summary>
public interface ISceneMemoryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Merges an observation and checks every armed watch against it. Each watch fires at most once: its task is
    /// told with a one-way call, and the notices sent are returned.
    /// </summary>
    /// <exception cref="ArgumentException">The observation is malformed (non-finite box, confidence outside 0..1, ...); nothing changes.</exception>
    Task<IReadOnlyList<SceneChangeNotice>> ObserveAsync(SceneObservation observation);

    /// <summary>The known objects; <see cref="SceneSnapshot.At"/> is when the last observation was merged.</summary>
    Task<SceneSnapshot> GetSnapshotAsync();

    /// <summary>The latest RGB/depth/intrinsics, or null before the first frame.</summary>
    Task<SceneFrame?> GetLatestFrameAsync();

    /// <summary>
    /// Starts watching a trace. Changes count against <paramref name="baseline"/>: where objects were in the scene
    /// the tracer saw (null: where they are now), so a move between tracing and watching is not missed: when scene
    /// memory already shows it, the watch fires at once and the change is returned (no notification is sent).
    /// Watching a trace again is a no-op that returns the change the watch fired on, if it did: a task that lost a
    /// notification (restart) learns it here.
    /// </summary>
    /// <exception cref="ArgumentException">The watch is malformed.</exception>
    Task<SceneChange?> WatchTraceAsync(TraceWatch watch, IReadOnlyList<ObjectPosition>? baseline);

    /// <summary>
    /// Where objects were when the watch on <paramref name="trace"/> started (the scene its tracer saw); empty when
    /// the trace is not watched. A step's verification compares the scene after it against this, to tell which
    /// object the robot moved.
    /// </summary>
    Task<IReadOnlyList<ObjectPosition>> GetWatchBaselineAsync(TraceId trace);

    /// <summary>
    /// What a watch of <paramref name="watch"/>'s trace started now against <paramref name="baseline"/> would fire on
    /// (the first change, or null), without starting it: whether a trace fetched ahead, for a scene as it was
    /// expected to be, still fits the scene as it is.
    /// </summary>
    /// <exception cref="ArgumentException">The watch or the baseline is malformed.</exception>
    Task<SceneChange?> CheckTraceAsync(TraceWatch watch, IReadOnlyList<ObjectPosition> baseline);

    /// <summary>Stops watching a trace. One way: the task goes on at once; the scene's mailbox keeps the order of its calls.</summary>
    [OneWay]
    Task UnwatchTraceAsync(TraceId trace);

    /// <summary>
    /// Tells <paramref name="task"/> (one way, <see cref="Tasks.ITaskGrain.OnSceneObservedAsync"/>) when the next
    /// observation has been merged: a step's verification waits for a picture taken after the robot finished. Kept
    /// in memory only; a task that loses it (restart) looks again on its watchdog. One way: queued before the
    /// caller's next call to this grain, so a snapshot asked for right after cannot miss an observation in between.
    /// </summary>
    [OneWay]
    Task NotifyOnNextObservationAsync(TaskId task);
}
