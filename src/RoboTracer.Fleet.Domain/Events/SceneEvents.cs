using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Scene;

namespace RoboTracer.Fleet.Domain.Events;

/// <summary>Something scene memory learned or promised; the events of stream <c>scene-{id}</c>, applied by <see cref="SceneMemoryState.Apply"/>.</summary>
/// <param name="At">When, by the orchestrator's clock.</param>
public abstract record SceneEvent(DateTimeOffset At);

/// <summary>
/// An observation was merged: objects updated or added, some removed, the latest frame replaced. <c>At</c> is when
/// the observation reached the orchestrator (<see cref="SceneObservation.ReceivedAt"/>), not when it was merged.
/// </summary>
public sealed record SceneObservationMerged(
    IReadOnlyList<SceneObjectState> Objects,
    IReadOnlyList<string> RemovedObjectIds,
    SceneFrame? Frame,
    DateTimeOffset At) : SceneEvent(At);

/// <summary>A task asked to be told when the scene changes in a way that matters to its trace.</summary>
/// <param name="Watch">What to watch.</param>
/// <param name="Baseline">Where every known object was when the watch started.</param>
/// <param name="At">When.</param>
public sealed record TraceWatchStarted(TraceWatch Watch, IReadOnlyList<ObjectPosition> Baseline, DateTimeOffset At) : SceneEvent(At);

/// <summary>A relevant change was seen; the watch fires once and the task is told.</summary>
public sealed record TraceWatchTriggered(TraceId Trace, SceneChange Change, DateTimeOffset At) : SceneEvent(At);

/// <summary>The task no longer needs the watch (step done, trace replaced, task over).</summary>
public sealed record TraceWatchEnded(TraceId Trace, DateTimeOffset At) : SceneEvent(At);
