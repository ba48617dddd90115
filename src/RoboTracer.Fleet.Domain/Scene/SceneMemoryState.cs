using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>A scene as its events describe it: objects, the latest frame, and the traces being watched. Changes only through <see cref="Apply"/>.</summary>
public sealed class SceneMemoryState
{
    private readonly Dictionary<string, SceneObjectState> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<TraceId, ActiveTraceWatch> _watches = [];

    /// <summary>Known objects by id.</summary>
    public IReadOnlyDictionary<string, SceneObjectState> Objects => _objects;

    /// <summary>The latest frame, or null before the first one.</summary>
    public SceneFrame? LatestFrame { get; private set; }

    /// <summary>When the last observation was merged.</summary>
    public DateTimeOffset? UpdatedAt { get; private set; }

    /// <summary>Watches by trace id, fired or not.</summary>
    public IReadOnlyDictionary<TraceId, ActiveTraceWatch> Watches => _watches;

    /// <summary>Applies one event.</summary>
    /// <exception cref="ArgumentException">The event is of a type this state does not know.</exception>
    public void Apply(SceneEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        switch (@event)
        {
            case SceneObservationMerged e:
                foreach (var o in e.Objects)
                {
                    _objects[o.Id] = o;
                }
                foreach (var id in e.RemovedObjectIds)
                {
                    _objects.Remove(id);
                }
                LatestFrame = e.Frame ?? LatestFrame;
                UpdatedAt = e.At;
                break;
            case TraceWatchStarted e:
                _watches[e.Watch.Trace] = new ActiveTraceWatch(
                    e.Watch,
                    e.Baseline.ToDictionary(p => p.ObjectId, p => p.Center, StringComparer.Ordinal),
                    null,
                    e.At);
                break;
            case TraceWatchTriggered e:
                if (_watches.TryGetValue(e.Trace, out var watch))
                {
                    _watches[e.Trace] = watch with { Triggered = e.Change };
                }
                break;
            case TraceWatchEnded e:
                _watches.Remove(e.Trace);
                break;
            default:
                throw new ArgumentException($"SceneMemoryState does not know event {@event.GetType().Name}.", nameof(@event));
        }
    }
}
