namespace RoboTracer.Fleet.Domain.Geometry;

/// <summary>An axis-aligned box in metres, closed on all sides: a point on a face is inside.</summary>
public readonly record struct AxisAlignedBox3D
{
    /// <summary>Creates a box from its minimum and maximum corners.</summary>
    /// <exception cref="ArgumentException">A coordinate of <paramref name="min"/> exceeds that of <paramref name="max"/>, or one is NaN.</exception>
    public AxisAlignedBox3D(Point3D min, Point3D max)
    {
        if (!(min.X <= max.X && min.Y <= max.Y && min.Z <= max.Z))
        {
            throw new ArgumentException($"box minimum {min} is not at or below its maximum {max} on every axis");
        }
        Min = min;
        Max = max;
    }

    /// <summary>The corner with the smallest coordinates.</summary>
    public Point3D Min { get; }

    /// <summary>The corner with the largest coordinates.</summary>
    public Point3D Max { get; }

    /// <summary>"AxisAlignedBox3D { Min = (..), Max = (..) }", without the derived properties.</summary>
    public override string ToString() => $"AxisAlignedBox3D {{ Min = {Min}, Max = {Max} }}";

    /// <summary>The centre.</summary>
    public Point3D Center => (Min + Max) * 0.5;

    /// <summary>Full side lengths along x, y and z.</summary>
    public Point3D Size => Max - Min;

    /// <summary>Volume in cubic metres.</summary>
    public double Volume => Size.X * Size.Y * Size.Z;

    /// <summary>A box from its centre and full side lengths.</summary>
    public static AxisAlignedBox3D FromCenterSize(Point3D center, Point3D size) => new(center - (size * 0.5), center + (size * 0.5));

    /// <summary>The smallest box holding every point.</summary>
    /// <exception cref="ArgumentException">There are no points.</exception>
    public static AxisAlignedBox3D FromPoints(ReadOnlySpan<Point3D> points)
    {
        if (points.IsEmpty)
        {
            throw new ArgumentException("the bounds of no points are undefined");
        }
        var min = points[0];
        var max = points[0];
        foreach (var p in points[1..])
        {
            min = Point3D.Min(min, p);
            max = Point3D.Max(max, p);
        }
        return new(min, max);
    }

    /// <summary>True when <paramref name="point"/> is inside or on the surface, allowing <paramref name="tolerance"/> metres outside.</summary>
    public bool Contains(Point3D point, double tolerance = 0) =>
        point.X >= Min.X - tolerance && point.X <= Max.X + tolerance
        && point.Y >= Min.Y - tolerance && point.Y <= Max.Y + tolerance
        && point.Z >= Min.Z - tolerance && point.Z <= Max.Z + tolerance;

    /// <summary>Euclidean distance from <paramref name="point"/> to the box: 0 inside or on the surface.</summary>
    public double DistanceTo(Point3D point)
    {
        var dx = Math.Max(Math.Max(Min.X - point.X, 0), point.X - Max.X);
        var dy = Math.Max(Math.Max(Min.Y - point.Y, 0), point.Y - Max.Y);
        var dz = Math.Max(Math.Max(Min.Z - point.Z, 0), point.Z - Max.Z);
        return Math.Sqrt((dx * dx) + (dy * dy) + (dz * dz));
    }

    /// <summary>True when the two boxes share at least one point.</summary>
    public bool Intersects(AxisAlignedBox3D other) =>
        Min.X <= other.Max.X && other.Min.X <= Max.X
        && Min.Y <= other.Max.Y && other.Min.Y <= Max.Y
        && Min.Z <= other.Max.Z && other.Min.Z <= Max.Z;

    /// <summary>The smallest box holding both boxes.</summary>
    public AxisAlignedBox3D Union(AxisAlignedBox3D other) => new(Point3D.Min(Min, other.Min), Point3D.Max(Max, other.Max));

    /// <summary>The box grown by <paramref name="margin"/> metres on every side.</summary>
    public AxisAlignedBox3D Inflated(double margin) => new(Min - new Point3D(margin, margin, margin), Max + new Point3D(margin, margin, margin));

    /// <summary>
    /// The 8 corners. Corner i takes the maximum along x when bit 0 of i is set, along y for bit 1 and along z
    /// for bit 2 (the same order as <see cref="OrientedBox3D.Corners"/>).
    /// </summary>
    public Point3D[] Corners()
    {
        var corners = new Point3D[8];
        for (var i = 0; i < 8; i++)
        {
            corners[i] = new(
                (i & 1) == 0 ? Min.X : Max.X,
                (i & 2) == 0 ? Min.Y : Max.Y,
                (i & 4) == 0 ? Min.Z : Max.Z);
        }
        return corners;
    }
}
