using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>
/// The space a trace sweeps: every point within a radius of its polyline (a chain of capsules). What a moving
/// object and the arm carrying it occupy, approximately, while the robot follows the trace.
/// </summary>
public static class TraceCorridor
{
    // A segment is sampled at most this often, so a very long segment with a tiny radius stays cheap.
    private const int MaxSamplesPerSegment = 4096;

    /// <summary>Distance from <paramref name="point"/> to the polyline through <paramref name="path"/> (to the point for a one-point path).</summary>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public static double DistanceToPath(Point3D point, IReadOnlyList<Point3D> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Count == 0)
        {
            throw new ArgumentException("a path has at least one point", nameof(path));
        }
        var best = point.DistanceTo(path[0]);
        for (var i = 1; i < path.Count; i++)
        {
            best = Math.Min(best, DistanceToSegment(point, path[i - 1], path[i]));
        }
        return best;
    }

    /// <summary>Distance from <paramref name="point"/> to the segment from <paramref name="a"/> to <paramref name="b"/>.</summary>
    public static double DistanceToSegment(Point3D point, Point3D a, Point3D b)
    {
        var ab = b - a;
        var lengthSquared = ab.LengthSquared;
        if (lengthSquared == 0)
        {
            return point.DistanceTo(a);
        }
        var t = Math.Clamp((point - a).Dot(ab) / lengthSquared, 0, 1);
        return point.DistanceTo(a + (ab * t));
    }

    /// <summary>
    /// Whether <paramref name="box"/> reaches into the corridor of <paramref name="radius"/> metres around the path.
    /// </summary>
    /// <remarks>
    /// The path is sampled every radius/2 along each segment and each sample's distance to the box is exact, so
    /// every point of the path is within radius/4 of a sample: a box within 0.75 radius of the path is always
    /// found, and a box farther than the radius never is.
    /// </remarks>
    public static bool Intersects(OrientedBox3D box, IReadOnlyList<Point3D> path, double radius)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(radius);
        if (path.Count == 0)
        {
            return false;
        }
        if (box.DistanceTo(path[0]) <= radius)
        {
            return true;
        }
        for (var i = 1; i < path.Count; i++)
        {
            var a = path[i - 1];
            var b = path[i];
            var samples = (int)Math.Clamp(Math.Ceiling(a.DistanceTo(b) / (radius / 2)), 1, MaxSamplesPerSegment);
            for (var s = 1; s <= samples; s++)
            {
                if (box.DistanceTo(Point3D.Lerp(a, b, (double)s / samples)) <= radius)
                {
                    return true;
                }
            }
        }
        return false;
    }
}
