using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Evaluation.Tests;

/// <summary>
/// A small synthetic camera scene in memory: a 64x48 camera (f = 200 px, so 5 mm per pixel at 1 m) looking at a
/// background plane 2 m away, an object patch (the mask) at 1 m on the left, and optionally a wall band at 1 m in
/// the middle columns.
/// </summary>
internal static class SceneBuilder
{
    public const int Width = 64;
    public const int Height = 48;
    public static readonly CameraIntrinsics Intrinsics = new(200, 200, 32, 24, Width, Height);

    public static BenchSampleData Build(IReadOnlyList<Point3D> trajectory, OrientedBox3D destination, bool wall)
    {
        var depth = new float[Width * Height];
        var mask = new bool[Width * Height];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var i = (y * Width) + x;
                depth[i] = 2.0f;
                if (x is >= 4 and < 16 && y is >= 16 && y < 32)
                {
                    depth[i] = 1.0f;
                    mask[i] = true;
                }
                else if (wall && x is >= 28 and < 36)
                {
                    depth[i] = 1.0f;
                }
            }
        }
        var sample = new BenchSample(
            "s1", "move the cube", "the cube", "the box", "s1/image.png", "s1/gt_depth.png", "s1/mask.png",
            Intrinsics.ToMatrix(), trajectory, destination, 2, null);
        return new BenchSampleData(sample, [], new ImageInfo(ImageKind.Png, Width, Height),
            new DepthImage(Width, Height, depth), new MaskImage(Width, Height, mask), Intrinsics);
    }

    /// <summary>The object patch's centre: pixel (9.5, 23.5) at 1 m.</summary>
    public static Point3D ObjectCentre => Intrinsics.BackProject(9.5, 23.5, 1.0);

    /// <summary>A RoboTracer 3D answer for camera-frame points.</summary>
    public static string Answer(params Point3D[] points) => $"[{string.Join(", ", points.Select(p =>
    {
        var pixel = Intrinsics.Project(p);
        return FormattableString.Invariant($"({pixel.X / Width * 1000:R}, {pixel.Y / Height * 1000:R}, {p.Z:R})");
    }))}]";

    public static OrientedBox3D UnitBoxAt(Point3D centre) => new(centre, new Point3D(0.1, 0.1, 0.1), Rotation3D.Identity);
}
