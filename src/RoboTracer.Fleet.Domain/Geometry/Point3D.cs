using System.Globalization;

namespace RoboTracer.Fleet.Domain.Geometry;

/// <summary>
/// A point (or displacement vector) in metres. In the camera frame, as everywhere in trace contracts
/// (DESIGN.md §5): x to the right, y down, z forward along the optical axis.
/// </summary>
/// <param name="X">Metres along x.</param>
/// <param name="Y">Metres along y.</param>
/// <param name="Z">Metres along z.</param>
public readonly record struct Point3D(double X, double Y, double Z)
{
    /// <summary>The origin (the camera centre, in the camera frame).</summary>
    public static Point3D Zero => default;

    /// <summary>Length of the vector from the origin to this point.</summary>
    public double Length => Math.Sqrt(LengthSquared);

    /// <summary>Squared length; cheaper than <see cref="Length"/> for comparisons.</summary>
    public double LengthSquared => (X * X) + (Y * Y) + (Z * Z);

    /// <summary>True when every coordinate is a finite number.</summary>
    public bool IsFinite => double.IsFinite(X) && double.IsFinite(Y) && double.IsFinite(Z);

    /// <summary>Euclidean distance to <paramref name="other"/>.</summary>
    public double DistanceTo(Point3D other) => (this - other).Length;

    /// <summary>Squared Euclidean distance to <paramref name="other"/>.</summary>
    public double DistanceSquaredTo(Point3D other) => (this - other).LengthSquared;

    /// <summary>Dot product, treating both points as vectors.</summary>
    public double Dot(Point3D other) => (X * other.X) + (Y * other.Y) + (Z * other.Z);

    /// <summary>Cross product, treating both points as vectors (right-handed).</summary>
    public Point3D Cross(Point3D other) =>
        new((Y * other.Z) - (Z * other.Y), (Z * other.X) - (X * other.Z), (X * other.Y) - (Y * other.X));

    /// <summary>The unit vector in this direction.</summary>
    /// <exception cref="InvalidOperationException">The vector has zero length.</exception>
    public Point3D Normalized()
    {
        var length = Length;
        if (length == 0)
        {
            throw new InvalidOperationException("cannot normalize a zero-length vector");
        }
        return this / length;
    }

    /// <summary>Linear interpolation: <paramref name="a"/> at t = 0, <paramref name="b"/> at t = 1.</summary>
    public static Point3D Lerp(Point3D a, Point3D b, double t) =>
        new(a.X + ((b.X - a.X) * t), a.Y + ((b.Y - a.Y) * t), a.Z + ((b.Z - a.Z) * t));

    /// <summary>Component-wise minimum.</summary>
    public static Point3D Min(Point3D a, Point3D b) => new(Math.Min(a.X, b.X), Math.Min(a.Y, b.Y), Math.Min(a.Z, b.Z));

    /// <summary>Component-wise maximum.</summary>
    public static Point3D Max(Point3D a, Point3D b) => new(Math.Max(a.X, b.X), Math.Max(a.Y, b.Y), Math.Max(a.Z, b.Z));

    /// <summary>"(x, y, z)", invariant culture: short enough for error messages and logs.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({X}, {Y}, {Z})");

    /// <summary>Component-wise sum.</summary>
    public static Point3D operator +(Point3D a, Point3D b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    /// <summary>Component-wise difference.</summary>
    public static Point3D operator -(Point3D a, Point3D b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    /// <summary>Negation.</summary>
    public static Point3D operator -(Point3D a) => new(-a.X, -a.Y, -a.Z);

    /// <summary>Scaling by a factor.</summary>
    public static Point3D operator *(Point3D a, double factor) => new(a.X * factor, a.Y * factor, a.Z * factor);

    /// <summary>Scaling by a factor.</summary>
    public static Point3D operator *(double factor, Point3D a) => new(a.X * factor, a.Y * factor, a.Z * factor);

    /// <summary>Division by a scalar.</summary>
    public static Point3D operator /(Point3D a, double divisor) => new(a.X / divisor, a.Y / divisor, a.Z / divisor);
}
