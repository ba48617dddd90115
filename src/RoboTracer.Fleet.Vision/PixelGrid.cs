using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision;

/// <summary>
/// The one rule for which pixel a 2D point falls on, shared by depth sampling and masks. Pixel (i, j) is centred
/// at (i, j) (see <see cref="CameraIntrinsics"/>), so a point takes the nearest centre; a point is on the image
/// when 0 ≤ u &lt; width and 0 ≤ v &lt; height (the range of RoboTracer's 0–1000 coordinates), and the last half
/// pixel rounds onto the last column or row.
/// </summary>
internal static class PixelGrid
{
    public static bool TryGetPixel(Point2D point, int width, int height, out int x, out int y)
    {
        if (!(point.X >= 0 && point.X < width && point.Y >= 0 && point.Y < height))
        {
            x = y = 0;
            return false;
        }
        x = Math.Min((int)Math.Floor(point.X + 0.5), width - 1);
        y = Math.Min((int)Math.Floor(point.Y + 0.5), height - 1);
        return true;
    }

    public static long CheckSize(int width, int height, string what)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentException($"{what} size {width}x{height} is invalid: width and height must be positive");
        }
        return (long)width * height;
    }
}
