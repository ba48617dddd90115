using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision;

/// <summary>
/// A pinhole camera without distortion: focal lengths and principal point in pixels, and the image size it
/// applies to. Camera frame x right, y down, z forward (DESIGN.md §5). The ray of pixel coordinates (u, v) is
/// ((u − cx) / fx, (v − cy) / fy, 1); pixel (i, j) is centred at (i, j), as in OpenCV, so the depth stored for
/// pixel (i, j) back-projects from u = i, v = j.
/// Every instance is valid: the constructor rejects singular or non-finite values with a precise message.
/// </summary>
public sealed record CameraIntrinsics
{
    /// <summary>Creates and validates intrinsics.</summary>
    /// <param name="fx">Focal length along x, pixels; positive and finite.</param>
    /// <param name="fy">Focal length along y, pixels; positive and finite.</param>
    /// <param name="cx">Principal point x, pixels; finite.</param>
    /// <param name="cy">Principal point y, pixels; finite.</param>
    /// <param name="width">Image width in pixels; positive.</param>
    /// <param name="height">Image height in pixels; positive.</param>
    /// <exception cref="ArgumentException">A value is out of range; the message names it, e.g. "singular intrinsics: fx is 0".</exception>
    public CameraIntrinsics(double fx, double fy, double cx, double cy, int width, int height)
    {
        var error = Validate(fx, fy, cx, cy, width, height);
        if (error is not null)
        {
            throw new ArgumentException(error);
        }
        Fx = fx;
        Fy = fy;
        Cx = cx;
        Cy = cy;
        Width = width;
        Height = height;
    }

    /// <summary>Focal length along x, pixels.</summary>
    public double Fx { get; }

    /// <summary>Focal length along y, pixels.</summary>
    public double Fy { get; }

    /// <summary>Principal point x, pixels.</summary>
    public double Cx { get; }

    /// <summary>Principal point y, pixels.</summary>
    public double Cy { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>
    /// The first problem with these values, or null when they make valid intrinsics. For validating a request
    /// without an exception; the message is the one the constructor would throw.
    /// </summary>
    public static string? Validate(double fx, double fy, double cx, double cy, int width, int height) =>
        CheckFocal("fx", fx) ?? CheckFocal("fy", fy) ?? CheckFinite("cx", cx) ?? CheckFinite("cy", cy)
        ?? CheckSize("width", width) ?? CheckSize("height", height);

    /// <summary>
    /// Reads intrinsics from a row-major 3x3 matrix <c>[[fx, s, cx], [0, fy, cy], [0, 0, 1]]</c> or its 4x4
    /// homogeneous form (TraceSpatial-Bench's <c>gt_depth_intrinsics</c>), flattened to 9 or 16 entries.
    /// Skew (s) is ignored, as RoboTracer's evaluation ignores it.
    /// </summary>
    /// <exception cref="ArgumentException">The matrix has the wrong shape, its third row is not [0, 0, 1] (a transposed matrix), or the values are invalid.</exception>
    public static CameraIntrinsics FromMatrix(ReadOnlySpan<double> rowMajor, int width, int height)
    {
        var n = rowMajor.Length switch
        {
            9 => 3,
            16 => 4,
            _ => throw new ArgumentException($"intrinsics matrix has {rowMajor.Length} entries; expected 9 (3x3) or 16 (4x4)"),
        };
        return FromEntries(
            rowMajor[0], rowMajor[n + 1], rowMajor[2], rowMajor[n + 2],
            rowMajor[2 * n], rowMajor[(2 * n) + 1], rowMajor[(2 * n) + 2], width, height);
    }

    /// <summary>Reads intrinsics from the rows of a 3x3 or 4x4 matrix, as JSON gives them; see <see cref="FromMatrix(ReadOnlySpan{double}, int, int)"/>.</summary>
    /// <exception cref="ArgumentException">The matrix is not 3x3 or 4x4, or its values are invalid.</exception>
    public static CameraIntrinsics FromMatrix(IReadOnlyList<IReadOnlyList<double>> rows, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count is not (3 or 4))
        {
            throw new ArgumentException($"intrinsics matrix has {rows.Count} rows; expected 3 (3x3) or 4 (4x4)");
        }
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i] is null || rows[i].Count != rows.Count)
            {
                throw new ArgumentException(
                    $"intrinsics matrix row {i + 1} has {rows[i]?.Count ?? 0} entries; expected {rows.Count} ({rows.Count}x{rows.Count})");
            }
        }
        return FromEntries(rows[0][0], rows[1][1], rows[0][2], rows[1][2], rows[2][0], rows[2][1], rows[2][2], width, height);
    }

    /// <summary>The 3x3 matrix <c>[[fx, 0, cx], [0, fy, cy], [0, 0, 1]]</c>, row by row (the bench's JSON shape).</summary>
    public double[][] ToMatrix() => [[Fx, 0, Cx], [0, Fy, Cy], [0, 0, 1]];

    /// <summary>True when <paramref name="pixel"/> lies on the image: 0 ≤ u &lt; width and 0 ≤ v &lt; height.</summary>
    public bool Contains(Point2D pixel) => pixel.X >= 0 && pixel.X < Width && pixel.Y >= 0 && pixel.Y < Height;

    /// <summary>The pixel coordinates of a camera-frame point: u = fx·X/Z + cx, v = fy·Y/Z + cy. The result may lie off the image.</summary>
    /// <exception cref="ArgumentException">The point is at or behind the camera (Z ≤ 0) or not finite.</exception>
    public Point2D Project(Point3D point)
    {
        if (!TryProject(point, out var pixel))
        {
            throw new ArgumentException($"cannot project {point}: it is at or behind the camera or not finite (z must be > 0)");
        }
        return pixel;
    }

    /// <summary>As <see cref="Project"/>; false for a point at or behind the camera or with a non-finite coordinate.</summary>
    public bool TryProject(Point3D point, out Point2D pixel)
    {
        if (!(point.Z > 0) || !point.IsFinite)
        {
            pixel = default;
            return false;
        }
        pixel = new((Fx * point.X / point.Z) + Cx, (Fy * point.Y / point.Z) + Cy);
        return true;
    }

    /// <summary>The camera-frame point at depth <paramref name="depth"/> (metres along z) under pixel (u, v): X = (u − cx)·d/fx, Y = (v − cy)·d/fy, Z = d.</summary>
    /// <exception cref="ArgumentException">The depth is not positive and finite, or u, v are not finite.</exception>
    public Point3D BackProject(double u, double v, double depth)
    {
        if (!(depth > 0) || !double.IsFinite(depth))
        {
            throw new ArgumentException($"cannot back-project pixel ({u}, {v}): depth is {depth} (must be positive and finite)");
        }
        if (!double.IsFinite(u) || !double.IsFinite(v))
        {
            throw new ArgumentException($"cannot back-project pixel ({u}, {v}): coordinates must be finite");
        }
        return new((u - Cx) * depth / Fx, (v - Cy) * depth / Fy, depth);
    }

    /// <summary>As <see cref="BackProject(double, double, double)"/>.</summary>
    public Point3D BackProject(Point2D pixel, double depth) => BackProject(pixel.X, pixel.Y, depth);

    /// <summary>Pixel coordinates in RoboTracer's 0–1000 normalized form (x_norm = x / width · 1000).</summary>
    public Point2D ToNormalized(Point2D pixel) => NormalizedCoordinates.FromPixel(pixel, Width, Height);

    /// <summary>Pixel coordinates of a point in RoboTracer's 0–1000 normalized form (x = x_norm / 1000 · width).</summary>
    public Point2D FromNormalized(Point2D normalized) => NormalizedCoordinates.ToPixel(normalized, Width, Height);

    private static CameraIntrinsics FromEntries(
        double fx, double fy, double cx, double cy, double r31, double r32, double r33, int width, int height)
    {
        // A transposed matrix puts cx, cy in the third row and 0 where cx belongs; it would pass value checks and
        // silently shift every point, so the third row must be the homogeneous [0, 0, 1].
        const double Tolerance = 1e-9;
        if (Math.Abs(r31) > Tolerance || Math.Abs(r32) > Tolerance || Math.Abs(r33 - 1) > Tolerance)
        {
            throw new ArgumentException($"intrinsics matrix row 3 is [{r31}, {r32}, {r33}]; expected [0, 0, 1] (is the matrix transposed?)");
        }
        return new(fx, fy, cx, cy, width, height);
    }

    private static string? CheckFocal(string name, double value) => value switch
    {
        0 => $"singular intrinsics: {name} is 0",
        _ when !double.IsFinite(value) => $"invalid intrinsics: {name} is {value} (must be finite)",
        < 0 => $"invalid intrinsics: {name} is {value} (must be positive)",
        _ => null,
    };

    private static string? CheckFinite(string name, double value) =>
        double.IsFinite(value) ? null : $"invalid intrinsics: {name} is {value} (must be finite)";

    private static string? CheckSize(string name, int value) =>
        value > 0 ? null : $"invalid intrinsics: {name} is {value} (must be positive)";
}
