using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision.Spatial;

public sealed partial class VoxelGrid
{
    /// <summary>
    /// Whether the straight segment from <paramref name="start"/> to <paramref name="end"/>, inflated by
    /// <paramref name="radius"/> (a capsule), touches an occupied voxel. With radius 0 the test is exact voxel
    /// traversal (Amanatides &amp; Woo, 1987); otherwise a voxel counts when any point of its cube is within
    /// <paramref name="radius"/> of the segment. The voxels at both ends count: clear the carried object's voxels
    /// first (<see cref="RemovePoints"/>).
    /// </summary>
    /// <exception cref="ArgumentException">An end point is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The radius is negative or not finite.</exception>
    public bool IntersectsSegment(Point3D start, Point3D end, double radius = 0)
    {
        if (!start.IsFinite || !end.IsFinite)
        {
            throw new ArgumentException($"segment {start} -> {end} is not finite");
        }
        if (!(radius >= 0) || !double.IsFinite(radius))
        {
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "radius must be finite and not negative");
        }
        if (_occupied.Count == 0)
        {
            return false;
        }
        return radius == 0 ? Traverse(start, end) : SweepCapsule(start, end, radius);
    }

    /// <summary>Whether any segment of the polyline <paramref name="path"/>, inflated by <paramref name="radius"/>, touches an occupied voxel.</summary>
    public bool IntersectsPath(IReadOnlyList<Point3D> path, double radius = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Count == 1)
        {
            return IntersectsSegment(path[0], path[0], radius);
        }
        for (var i = 1; i < path.Count; i++)
        {
            if (IntersectsSegment(path[i - 1], path[i], radius))
            {
                return true;
            }
        }
        return false;
    }

    private bool Traverse(Point3D start, Point3D end)
    {
        var key = KeyOf(start);
        var last = KeyOf(end);
        if (_occupied.Contains(key))
        {
            return true;
        }
        var d = end - start;
        // Per axis: the parameter t (0 at start, 1 at end) of the next voxel boundary, and the t per voxel.
        var (stepX, nextX, deltaX) = Axis(start.X, d.X, key.X);
        var (stepY, nextY, deltaY) = Axis(start.Y, d.Y, key.Y);
        var (stepZ, nextZ, deltaZ) = Axis(start.Z, d.Z, key.Z);
        // Exactly |Δ| steps per axis reach the end voxel; counting them (instead of comparing t with 1) keeps
        // rounding from stepping past the end or stopping short of it.
        int leftX = Math.Abs(last.X - key.X), leftY = Math.Abs(last.Y - key.Y), leftZ = Math.Abs(last.Z - key.Z);
        int x = key.X, y = key.Y, z = key.Z;
        while (leftX + leftY + leftZ > 0)
        {
            var tx = leftX > 0 ? nextX : double.PositiveInfinity;
            var ty = leftY > 0 ? nextY : double.PositiveInfinity;
            var tz = leftZ > 0 ? nextZ : double.PositiveInfinity;
            if (tx <= ty && tx <= tz)
            {
                x += stepX;
                nextX += deltaX;
                leftX--;
            }
            else if (ty <= tz)
            {
                y += stepY;
                nextY += deltaY;
                leftY--;
            }
            else
            {
                z += stepZ;
                nextZ += deltaZ;
                leftZ--;
            }
            if (_occupied.Contains(new VoxelKey(x, y, z)))
            {
                return true;
            }
        }
        return false;

        (int Step, double Next, double Delta) Axis(double origin, double direction, int cell)
        {
            if (direction == 0)
            {
                return (0, double.PositiveInfinity, double.PositiveInfinity);
            }
            var step = direction > 0 ? 1 : -1;
            var boundary = (cell + (direction > 0 ? 1 : 0)) * VoxelSize;
            return (step, (boundary - origin) / direction, VoxelSize / Math.Abs(direction));
        }
    }

    private bool SweepCapsule(Point3D start, Point3D end, double radius)
    {
        // Sample the segment at most a voxel apart. A voxel point within `radius` of the segment is within
        // radius + spacing/2 of some sample, so the cubes of that half-width around the samples hold every
        // candidate; each occupied candidate then gets the exact capsule test.
        var length = start.DistanceTo(end);
        var samples = Math.Max(1, (int)Math.Ceiling(length / VoxelSize));
        var half = radius + (length / samples / 2);
        var tested = new HashSet<VoxelKey>();
        for (var i = 0; i <= samples; i++)
        {
            var p = Point3D.Lerp(start, end, (double)i / samples);
            var min = KeyOf(p - new Point3D(half, half, half));
            var max = KeyOf(p + new Point3D(half, half, half));
            for (var x = min.X; x <= max.X; x++)
            {
                for (var y = min.Y; y <= max.Y; y++)
                {
                    for (var z = min.Z; z <= max.Z; z++)
                    {
                        var key = new VoxelKey(x, y, z);
                        if (_occupied.Contains(key) && tested.Add(key) && SegmentTouchesCube(start, end, key, radius))
                        {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    private bool SegmentTouchesCube(Point3D start, Point3D end, VoxelKey key, double radius)
    {
        var center = CenterOf(key);
        var toCenter = SegmentDistance(start, end, center);
        if (toCenter <= radius)
        {
            return true;
        }
        var halfDiagonal = VoxelSize * Math.Sqrt(3) / 2;
        if (toCenter > radius + halfDiagonal)
        {
            return false;
        }
        // The distance from a moving point to a convex set is convex along a line, so a ternary search on the
        // segment parameter finds the minimum; 60 rounds shrink the interval below 1e-10 of the segment.
        var box = BoundsOf(key);
        double lo = 0, hi = 1;
        for (var i = 0; i < 60; i++)
        {
            var m1 = lo + ((hi - lo) / 3);
            var m2 = hi - ((hi - lo) / 3);
            if (box.DistanceTo(Point3D.Lerp(start, end, m1)) <= box.DistanceTo(Point3D.Lerp(start, end, m2)))
            {
                hi = m2;
            }
            else
            {
                lo = m1;
            }
        }
        return box.DistanceTo(Point3D.Lerp(start, end, (lo + hi) / 2)) <= radius;
    }

    private static double SegmentDistance(Point3D start, Point3D end, Point3D point)
    {
        var d = end - start;
        var lengthSquared = d.LengthSquared;
        var t = lengthSquared == 0 ? 0 : Math.Clamp((point - start).Dot(d) / lengthSquared, 0, 1);
        return point.DistanceTo(start + (d * t));
    }
}
