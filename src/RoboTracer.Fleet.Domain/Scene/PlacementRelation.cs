using System.Globalization;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Planning;

namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>
/// Whether an object stands where a step's relation to its destination puts it, judged in the camera frame from the
/// boxes scene memory holds: "on"/"in" (no direction) means over the destination's footprint and not below its
/// bottom, in the destination box's own frame (its z is up, as robots report boxes standing on the table); "to the left
/// of"/"to the right of" mean beside it, off its footprint, on that side along the camera's x axis (the image's left
/// and right); "in front of"/"behind" mean off its footprint on the side towards / away from the camera, along the table
/// (the camera's position projected on the destination's ground plane); "next to"/"near"/"beside" mean off its
/// footprint and within <see cref="NearDistance"/> of its edge. Other relations ("under", "between", …) are not judged
/// here: where the trace ends stands for them. Which words name which relation: <see cref="SpatialRelations"/>.
/// </summary>
public static class PlacementRelation
{
    /// <summary>How far past the footprint's edge a centre still counts as over it, metres.</summary>
    public const double Margin = 0.02;

    /// <summary>How far from the destination's footprint an object "next to" or "near" it may stand, metres.</summary>
    public const double NearDistance = 0.15;

    /// <summary>Null when <paramref name="placed"/> stands in <paramref name="direction"/> to <paramref name="destination"/> (or the relation is not judged); otherwise how not.</summary>
    public static string? Problem(string? direction, SceneObjectState placed, SceneObjectState destination)
    {
        ArgumentNullException.ThrowIfNull(placed);
        ArgumentNullException.ThrowIfNull(destination);
        var local = destination.Box.ToLocal(placed.Box.Center);
        var extent = destination.Box.Extent;
        var over = Math.Abs(local.X) <= (extent.X / 2) + Margin && Math.Abs(local.Y) <= (extent.Y / 2) + Margin;
        var where = $"the {placed.Label} ({placed.Id})";
        var of = $"the {destination.Label} ({destination.Id})";
        if (string.IsNullOrWhiteSpace(direction))
        {
            // Not below its bottom: an object in a bowl may sit lower than the bowl's centre.
            return over && local.Z >= -extent.Z / 2 ? null : $"{where} is not on or in {of}: its centre is {Metres(Off(local, extent))} beyond the footprint's edge, {Metres(local.Z)} above {of}'s centre";
        }
        // Containment and support come as no direction (above). A direction that names them anyway ("on"), one that
        // names a relation judged by where the trace ends ("under", "between") and unknown words are not judged.
        // Every phrase of the shared table counts, in any case and spacing: "to the left side of", "left side of" and
        // "to  the left of" are judged as left of. (Before the planner's words were shared here, this read fewer
        // phrases and passed those three unjudged.)
        var relation = SpatialRelations.Parse(direction);
        switch (relation)
        {
            case SpatialRelation.LeftOf or SpatialRelation.RightOf:
                var left = relation == SpatialRelation.LeftOf;
                var side = left ? "left" : "right";
                var dx = placed.Box.Center.X - destination.Box.Center.X;
                if (over)
                {
                    return $"{where} is on {of}, not to its {side}";
                }
                return (left ? dx < 0 : dx > 0) ? null : $"{where} is {Metres(Math.Abs(dx))} to the {(dx < 0 ? "left" : "right")} of {of}, not to its {side}";
            case SpatialRelation.InFrontOf or SpatialRelation.Behind:
                var front = relation == SpatialRelation.InFrontOf;
                if (over)
                {
                    return $"{where} is on {of}, not {(front ? "in front of" : "behind")} it";
                }
                // Towards the camera along the destination's ground plane (its own x and y; z is up).
                var camera = destination.Box.ToLocal(new Point3D(0, 0, 0));
                var towards = (local.X * camera.X) + (local.Y * camera.Y);
                return (front ? towards > 0 : towards < 0) ? null : $"{where} is {(towards > 0 ? "in front of" : "behind")} {of} (as the camera sees it), not {(front ? "in front of" : "behind")} it";
            case SpatialRelation.NextTo or SpatialRelation.Near:
                if (over)
                {
                    return $"{where} is on {of}, not next to it";
                }
                var gap = Off(local, extent);
                return gap <= NearDistance ? null : $"{where} is {Metres(gap)} from {of}'s edge, farther than {Metres(NearDistance)}: not next to it";
            default:
                return null;
        }
    }

    private static double Off(Point3D local, Point3D extent) =>
        Math.Max(0, Math.Max(Math.Abs(local.X) - (extent.X / 2), Math.Abs(local.Y) - (extent.Y / 2)));

    private static string Metres(double metres) => metres.ToString("0.00", CultureInfo.InvariantCulture) + " m";
}
