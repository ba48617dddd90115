using System.Globalization;
using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>
/// Decides whether newly observed objects invalidate a watched trace, against where objects were when the
/// watch started. Pure: scene memory calls it with each observation.
/// </summary>
/// <remarks>
/// Rules, checked per observed object in id order, first hit wins:
/// <list type="bullet">
/// <item>the step's own object moved more than the tolerance <em>and</em> its new centre is outside the corridor
/// (an object carried along the trace moves with it: that is the plan working, not a change);</item>
/// <item>the destination object moved more than the tolerance;</item>
/// <item>any other object that is new since the watch started, or moved more than the tolerance, reaches into
/// the corridor (objects already there when the trace was made were visible to the tracer).</item>
/// </list>
/// Objects below the confidence floor are not trusted to trigger anything.
/// </remarks>
public static class SceneChangeDetector
{
    /// <summary>The first relevant change, or null.</summary>
    public static SceneChange? Detect(
        TraceWatch watch,
        IReadOnlyDictionary<string, Point3D> baseline,
        IEnumerable<SceneObjectState> observed,
        double minConfidence)
    {
        ArgumentNullException.ThrowIfNull(watch);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(observed);
        foreach (var o in observed.Where(o => o.Confidence >= minConfidence).OrderBy(o => o.Id, StringComparer.Ordinal))
        {
            var center = o.Box.Center;
            double? moved = baseline.TryGetValue(o.Id, out var start) ? center.DistanceTo(start) : null;
            var movedFar = moved > watch.MoveTolerance;
            if (o.Id == watch.ObjectId)
            {
                if (movedFar && TraceCorridor.DistanceToPath(center, watch.Path) > watch.CorridorRadius)
                {
                    return new SceneChange(SceneChangeKind.ObjectMoved, o.Id, o.Label, $"{o.Label} moved {Metres(moved!.Value)} off the trace");
                }
            }
            else if (o.Id == watch.DestinationId)
            {
                if (movedFar)
                {
                    return new SceneChange(SceneChangeKind.DestinationMoved, o.Id, o.Label, $"destination {o.Label} moved {Metres(moved!.Value)}");
                }
            }
            else if ((moved is null || movedFar) && TraceCorridor.Intersects(o.Box, watch.Path, watch.CorridorRadius))
            {
                var how = moved is null ? "appeared" : $"moved {Metres(moved.Value)}";
                return new SceneChange(SceneChangeKind.ObstacleInCorridor, o.Id, o.Label, $"{o.Label} {how} into the trace's corridor");
            }
        }
        return null;
    }

    private static string Metres(double value) => value.ToString("0.00", CultureInfo.InvariantCulture) + " m";
}
