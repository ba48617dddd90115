using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision;

/// <summary>
/// RoboTracer's wire form of 2D points: x and y scaled to 0–1000 over the image width and height
/// (x_norm = x / width · 1000). Traces inside the fleet are in pixels; convert at the edge (DESIGN.md §5).
/// </summary>
public static class NormalizedCoordinates
{
    /// <summary>The normalized value of the right and bottom image edges.</summary>
    public const double Scale = 1000;

    /// <summary>Pixels from normalized coordinates: x = x_norm / 1000 · width, y = y_norm / 1000 · height.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The image size is not positive.</exception>
    public static Point2D ToPixel(Point2D normalized, int width, int height)
    {
        CheckSize(width, height);
        return new(normalized.X / Scale * width, normalized.Y / Scale * height);
    }

    /// <summary>Normalized coordinates from pixels: x_norm = x / width · 1000, y_norm = y / height · 1000.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The image size is not positive.</exception>
    public static Point2D FromPixel(Point2D pixel, int width, int height)
    {
        CheckSize(width, height);
        return new(pixel.X / width * Scale, pixel.Y / height * Scale);
    }

    private static void CheckSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
    }
}
