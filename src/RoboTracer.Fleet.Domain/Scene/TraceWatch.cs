using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>
/// A task's request to scene memory: tell me once when the scene changes in a way that matters to this trace.
/// </summary>
/// <param name="Task">Who to tell.</param>
/// <param name="Trace">The trace being executed.</param>
/// <param name="Path">The trace's 3D waypoints, metres, camera frame.</param>
/// <param name="ObjectId">The object the step moves, when scene memory knows it.</param>
/// <param name="DestinationId">The object the step's destination is relative to, when known.</param>
/// <param name="CorridorRadius">Half the width of the swept corridor around the path, metres.</param>
/// <param name="MoveTolerance">How far an object may move before it counts as moved, metres.</param>
public sealed record TraceWatch(
    TaskId Task,
    TraceId Trace,
    IReadOnlyList<Point3D> Path,
    string? ObjectId,
    string? DestinationId,
    double CorridorRadius,
    double MoveTolerance)
{
    /// <summary>What is wrong with this watch, or null when it can be installed.</summary>
    public string? Problem()
    {
        if (Task.Value is null || Trace.Value is null)
        {
            return "a watch needs a task id and a trace id";
        }
        if (Path is null || Path.Count == 0 || Path.Any(p => !p.IsFinite))
        {
            return "a watch needs a non-empty path of finite points";
        }
        if (!(double.IsFinite(CorridorRadius) && CorridorRadius > 0) || !(double.IsFinite(MoveTolerance) && MoveTolerance > 0))
        {
            return "corridor radius and move tolerance are positive distances";
        }
        return null;
    }
}
