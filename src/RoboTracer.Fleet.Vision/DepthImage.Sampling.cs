using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision;

public sealed partial class DepthImage
{
    /// <summary>The default window radius of <see cref="TryLift(Point2D, CameraIntrinsics, out Point3D)"/>: a 5×5 window.</summary>
    public const int DefaultLiftRadius = 2;

    /// <summary>The depth of the pixel nearest to <paramref name="pixel"/>; false off the image or where there is no measurement.</summary>
    public bool TrySampleNearest(Point2D pixel, out float depth)
    {
        depth = 0;
        if (!PixelGrid.TryGetPixel(pixel, Width, Height, out var x, out var y))
        {
            return false;
        }
        depth = _metres[(y * Width) + x];
        return depth > 0;
    }

    /// <summary>
    /// The median of the valid depths in the (2r + 1)² window around the pixel nearest to <paramref name="pixel"/>,
    /// clipped to the image. Robust to holes and flying pixels at object edges; with an even count it takes the
    /// lower middle value, so the result is always a depth that was measured, never a blend of two surfaces.
    /// False off the image or when the window holds no measurement.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="radius"/> is negative.</exception>
    public bool TrySampleMedian(Point2D pixel, int radius, out float depth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(radius);
        depth = 0;
        if (!PixelGrid.TryGetPixel(pixel, Width, Height, out var cx, out var cy))
        {
            return false;
        }
        int x0 = Math.Max(0, cx - radius), x1 = Math.Min(Width - 1, cx + radius);
        int y0 = Math.Max(0, cy - radius), y1 = Math.Min(Height - 1, cy + radius);
        var capacity = (x1 - x0 + 1) * (y1 - y0 + 1);
        var values = capacity <= 256 ? stackalloc float[capacity] : new float[capacity];
        var n = 0;
        for (var y = y0; y <= y1; y++)
        {
            for (var x = x0; x <= x1; x++)
            {
                var d = _metres[(y * Width) + x];
                if (d > 0)
                {
                    values[n++] = d;
                }
            }
        }
        if (n == 0)
        {
            return false;
        }
        values = values[..n];
        values.Sort();
        depth = values[(n - 1) / 2];
        return true;
    }

    /// <summary>Lifts a 2D point to 3D with the median depth of a 5×5 window (see <see cref="TrySampleMedian"/>).</summary>
    public bool TryLift(Point2D pixel, CameraIntrinsics intrinsics, out Point3D point) =>
        TryLift(pixel, intrinsics, DefaultLiftRadius, out point);

    /// <summary>
    /// Lifts a 2D point to 3D: the median depth around the point, back-projected through the point itself (not
    /// the pixel centre). False off the image or when the window holds no measurement.
    /// </summary>
    /// <exception cref="ArgumentException">The intrinsics are for a different image size.</exception>
    public bool TryLift(Point2D pixel, CameraIntrinsics intrinsics, int radius, out Point3D point)
    {
        CheckIntrinsics(intrinsics);
        point = default;
        if (!TrySampleMedian(pixel, radius, out var depth))
        {
            return false;
        }
        point = intrinsics.BackProject(pixel, depth);
        return true;
    }

    /// <summary>
    /// Back-projects every <paramref name="stride"/>-th pixel in both directions that has a measurement (and is set
    /// in <paramref name="mask"/>, when given) to a camera-frame point, rows top to bottom.
    /// </summary>
    /// <exception cref="ArgumentException">The intrinsics or the mask are for a different image size.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stride"/> is not positive.</exception>
    public Point3D[] ToPointCloud(CameraIntrinsics intrinsics, MaskImage? mask = null, int stride = 1)
    {
        CheckIntrinsics(intrinsics);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        if (mask is not null && (mask.Width != Width || mask.Height != Height))
        {
            throw new ArgumentException($"mask is {mask.Width}x{mask.Height} but the depth image is {Width}x{Height}");
        }
        var maskPixels = mask is null ? default : mask.Pixels;
        var points = new List<Point3D>(mask?.Count ?? (ValidCount / (stride * stride)));
        for (var y = 0; y < Height; y += stride)
        {
            for (var x = 0; x < Width; x += stride)
            {
                var i = (y * Width) + x;
                var d = _metres[i];
                if (d > 0 && (mask is null || maskPixels[i]))
                {
                    // The same expression as CameraIntrinsics.BackProject, without its per-call checks.
                    points.Add(new((x - intrinsics.Cx) * d / intrinsics.Fx, (y - intrinsics.Cy) * d / intrinsics.Fy, d));
                }
            }
        }
        return [.. points];
    }

    private void CheckIntrinsics(CameraIntrinsics intrinsics)
    {
        ArgumentNullException.ThrowIfNull(intrinsics);
        if (intrinsics.Width != Width || intrinsics.Height != Height)
        {
            throw new ArgumentException($"intrinsics are for {intrinsics.Width}x{intrinsics.Height} but the depth image is {Width}x{Height}");
        }
    }
}
