using System.Globalization;

namespace RoboTracer.Fleet.Domain.Geometry;

/// <summary>
/// A point (or displacement) in image pixels: x to the right, y down, origin at the top-left of the image.
/// Fractional coordinates are allowed; pixel (i, j) is centred at (i, j), as in OpenCV.
/// </summary>
/// <param name="X">Horizontal coordinate in pixels.</param>
/// <param name="Y">Vertical coordinate in pixels.</param>
public readonly record struct Point2D(double X, double Y)
{
    /// <summary>The origin.</summary>
    public static Point2D Zero => default;

    /// <summary>Length of the vector from the origin to this point.</summary>
    public double Length => Math.Sqrt((X * X) + (Y * Y));

    /// <summary>True when both coordinates are finite numbers.</summary>
    public bool IsFinite => double.IsFinite(X) && double.IsFinite(Y);

    /// <summary>Euclidean distance to <paramref name="other"/>.</summary>
    public double DistanceTo(Point2D other) => (this - other).Length;

    /// <summary>Linear interpolation: <paramref name="a"/> at t = 0, <paramref name="b"/> at t = 1.</summary>
    public static Point2D Lerp(Point2D a, Point2D b, double t) => new(a.X + ((b.X - a.X) * t), a.Y + ((b.Y - a.Y) * t));

    /// <summary>"(x, y)", invariant culture: short enough for error messages and logs.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({X}, {Y})");

    /// <summary>Component-wise sum.</summary>
    public static Point2D operator +(Point2D a, Point2D b) => new(a.X + b.X, a.Y + b.Y);

    /// <summary>Component-wise difference.</summary>
    public static Point2D operator -(Point2D a, Point2D b) => new(a.X - b.X, a.Y - b.Y);

    /// <summary>Negation.</summary>
    public static Point2D operator -(Point2D a) => new(-a.X, -a.Y);

    /// <summary>Scaling by a factor.</summary>
    public static Point2D operator *(Point2D a, double factor) => new(a.X * factor, a.Y * factor);

    /// <summary>Scaling by a factor.</summary>
    public static Point2D operator *(double factor, Point2D a) => new(a.X * factor, a.Y * factor);

    /// <summary>Division by a scalar.</summary>
    public static Point2D operator /(Point2D a, double divisor) => new(a.X / divisor, a.Y / divisor);
}
