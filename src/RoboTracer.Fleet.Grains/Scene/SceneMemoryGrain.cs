using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Serialization;
using RoboTracer.Fleet.Grains.EventSourcing;
using RoboTracer.Fleet.Serialization;

namespace RoboTracer.Fleet.Grains.Scene;

/// <summary>
/// Scene memory. Every observation is an event (with its frame's blob references, so a task's history can be
/// replayed with the images the robot saw); watches are events too, so they survive deactivation and restarts.
/// A watch compares against where objects were when it started (<see cref="SceneChangeDetector"/>), fires once,
/// and its task replaces the trace and watches the new one: one notification per change.
/// </summary>
public sealed class SceneMemoryGrain(IEventStore store, EventSerializer serializer, SceneMemoryOptions options)
    : EventSourcedGrain<SceneMemoryState, SceneEvent>(store, serializer), ISceneMemoryGrain
{
    // Tasks verifying a step, to be told when the next observation is merged (not persisted: see the interface).
    private readonly HashSet<TaskId> _waitingForObservation = [];

    /// <inheritdoc />
    protected override string StreamId => FleetStreams.Scene(Id);

    private SceneId Id => new(this.GetPrimaryKeyString());

    /// <inheritdoc />
    public async Task<IReadOnlyList<SceneChangeNotice>> ObserveAsync(SceneObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        if (observation.Problem() is { } problem)
        {
            throw new ArgumentException($"Observation of scene '{Id}' rejected: {problem}.", nameof(observation));
        }
        var now = TimeProvider.GetUtcNow();
        // Stamped with its arrival: an observation that arrived before a step's success report but is merged after
        // it must not count as seen after the step.
        var arrived = observation.ReceivedAt is { } received && received < now ? received : now;
        Raise(new SceneObservationMerged(observation.Objects, observation.RemovedObjectIds ?? [], observation.Frame, arrived));
        var notices = new List<SceneChangeNotice>();
        foreach (var watch in State.Watches.Values.Where(w => w.Triggered is null).OrderBy(w => w.StartedAt).ToList())
        {
            if (SceneChangeDetector.Detect(watch.Watch, watch.Baseline, observation.Objects, options.MinConfidence) is { } change)
            {
                Raise(new TraceWatchTriggered(watch.Watch.Trace, change, now));
                notices.Add(new SceneChangeNotice(Id, watch.Watch.Task, watch.Watch.Trace, change, now));
            }
        }
        // Durable before anyone hears: a notice is never sent for a change the history does not hold.
        await ConfirmEventsAsync();
        foreach (var notice in notices)
        {
            _ = GrainFactory.GetTask(notice.Task).OnSceneChangedAsync(notice);
        }
        foreach (var task in _waitingForObservation)
        {
            _ = GrainFactory.GetTask(task).OnSceneObservedAsync();
        }
        _waitingForObservation.Clear();
        return notices;
    }

    /// <inheritdoc />
    public Task NotifyOnNextObservationAsync(TaskId task)
    {
        _waitingForObservation.Add(task);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<SceneSnapshot> GetSnapshotAsync() => Task.FromResult(new SceneSnapshot(
        Id.Value,
        State.Objects.Values.OrderBy(o => o.Id, StringComparer.Ordinal).ToList(),
        State.UpdatedAt ?? DateTimeOffset.MinValue));

    /// <inheritdoc />
    public Task<SceneFrame?> GetLatestFrameAsync() => Task.FromResult(State.LatestFrame);

    /// <inheritdoc />
    public Task<SceneChange?> WatchTraceAsync(TraceWatch watch, IReadOnlyList<ObjectPosition>? baseline)
    {
        ThrowIfMalformed(watch, baseline);
        if (State.Watches.TryGetValue(watch.Trace, out var existing))
        {
            return Task.FromResult(existing.Triggered);
        }
        baseline ??= State.Objects.Values.Select(o => new ObjectPosition(o.Id, o.Box.Center)).ToList();
        var now = TimeProvider.GetUtcNow();
        Raise(new TraceWatchStarted(watch, baseline, now));
        // An observation merged between tracing and watching already shows the scene after the change: checked
        // now, not at the next observation (a robot may only report when something changes).
        var started = State.Watches[watch.Trace];
        var missed = SceneChangeDetector.Detect(watch, started.Baseline, State.Objects.Values, options.MinConfidence);
        if (missed is not null)
        {
            Raise(new TraceWatchTriggered(watch.Trace, missed, now));
        }
        return Task.FromResult(missed);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ObjectPosition>> GetWatchBaselineAsync(TraceId trace)
    {
        IReadOnlyList<ObjectPosition> baseline = State.Watches.TryGetValue(trace, out var watch)
            ? watch.Baseline.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new ObjectPosition(p.Key, p.Value)).ToList()
            : [];
        return Task.FromResult(baseline);
    }

    /// <inheritdoc />
    public Task<SceneChange?> CheckTraceAsync(TraceWatch watch, IReadOnlyList<ObjectPosition> baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ThrowIfMalformed(watch, baseline);
        var expected = baseline.ToDictionary(p => p.ObjectId, p => p.Center, StringComparer.Ordinal);
        return Task.FromResult(SceneChangeDetector.Detect(watch, expected, State.Objects.Values, options.MinConfidence));
    }

    private void ThrowIfMalformed(TraceWatch watch, IReadOnlyList<ObjectPosition>? baseline)
    {
        ArgumentNullException.ThrowIfNull(watch);
        if (watch.Problem() is { } problem)
        {
            throw new ArgumentException($"Watch on scene '{Id}' rejected: {problem}.", nameof(watch));
        }
        if (baseline is not null && (baseline.Any(p => p is null || !p.Center.IsFinite) || baseline.DistinctBy(p => p.ObjectId).Count() != baseline.Count))
        {
            throw new ArgumentException($"Watch on scene '{Id}' rejected: the baseline has a missing, repeated or non-finite position.", nameof(baseline));
        }
    }

    /// <inheritdoc />
    public Task UnwatchTraceAsync(TraceId trace)
    {
        if (State.Watches.ContainsKey(trace))
        {
            Raise(new TraceWatchEnded(trace, TimeProvider.GetUtcNow()));
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override void TransitionState(SceneMemoryState state, SceneEvent @event) => state.Apply(@event);
}
