using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision.Scenes;

public sealed partial record TabletopScene
{
    private const double TableThickness = 0.04;

    // Kinds of objects: name and size ranges (footprint x, footprint y, height); a "cup" is a box shaped like one.
    private static readonly (string Name, double MinX, double MaxX, double MinY, double MaxY, double MinZ, double MaxZ)[] Kinds =
    [
        ("cup", 0.07, 0.09, 0.07, 0.09, 0.09, 0.12),
        ("box", 0.10, 0.20, 0.08, 0.15, 0.06, 0.12),
        ("block", 0.04, 0.06, 0.04, 0.06, 0.04, 0.06),
        ("bottle", 0.06, 0.075, 0.06, 0.075, 0.18, 0.25),
        ("book", 0.15, 0.22, 0.20, 0.28, 0.03, 0.05),
        ("plate", 0.18, 0.24, 0.18, 0.24, 0.015, 0.025),
        ("bowl", 0.14, 0.18, 0.14, 0.18, 0.06, 0.08),
        ("can", 0.065, 0.07, 0.065, 0.07, 0.11, 0.13),
    ];

    private static readonly (string Name, Rgb8 Color)[] Colors =
    [
        ("red", new(200, 40, 40)),
        ("green", new(40, 160, 60)),
        ("blue", new(40, 80, 200)),
        ("yellow", new(230, 200, 40)),
        ("orange", new(240, 130, 30)),
        ("purple", new(130, 60, 170)),
        ("white", new(235, 235, 235)),
        ("black", new(35, 35, 35)),
        ("pink", new(240, 130, 170)),
        ("gray", new(128, 128, 128)),
    ];

    /// <summary>The kinds of object scenes are made of: name and size range (footprint x, footprint y, height; metres).</summary>
    public static IReadOnlyList<(string Name, Point3D Min, Point3D Max)> ObjectKinds { get; } =
        [.. Kinds.Select(k => (k.Name, new Point3D(k.MinX, k.MinY, k.MinZ), new Point3D(k.MaxX, k.MaxY, k.MaxZ)))];

    /// <summary>The colours objects are painted in: name ("red") and RGB. A label is "colour kind", e.g. "red cup".</summary>
    public static IReadOnlyList<(string Name, Rgb8 Color)> ObjectColors { get; } = Colors;

    /// <summary>
    /// A random scene, the same for the same seed and options on every machine: the camera pose, then each object's
    /// kind, colour, size, place and yaw are drawn in a fixed order from <see cref="Random"/>(seed), whose seeded
    /// sequence .NET keeps stable. Objects rest on the table without overlapping; labels ("red cup") are unique.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid; the message says which.</exception>
    public static TabletopScene Generate(int seed, TabletopSceneOptions? options = null)
    {
        options ??= TabletopSceneOptions.Default;
        var error = options.Validate();
        if (error is not null)
        {
            throw new ArgumentException($"invalid scene options: {error}");
        }
        var random = new Random(seed);
        double Uniform(double min, double max) => min + (random.NextDouble() * (max - min));
        double Radians(double degrees) => degrees * Math.PI / 180;

        var fx = options.Width / 2.0 / Math.Tan(Radians(options.HorizontalFieldOfView) / 2);
        var intrinsics = new CameraIntrinsics(fx, fx, (options.Width - 1) / 2.0, (options.Height - 1) / 2.0, options.Width, options.Height);

        var target = new Point3D(Uniform(-0.05, 0.05), Uniform(-0.05, 0.05), 0);
        var distance = Uniform(options.MinCameraDistance, options.MaxCameraDistance);
        var elevation = Radians(Uniform(options.MinElevation, options.MaxElevation));
        var azimuth = Radians(Uniform(-options.MaxAzimuth, options.MaxAzimuth));
        // Azimuth 0 puts the camera in front of the table (towards -y), looking across it towards +y.
        var horizontal = new Point3D(Math.Sin(azimuth), -Math.Cos(azimuth), 0);
        var eye = target + (distance * ((Math.Cos(elevation) * horizontal) + new Point3D(0, 0, Math.Sin(elevation))));
        var camera = CameraPose.LookAt(eye, target, new Point3D(0, 0, 1));

        var table = new OrientedBox3D(
            new Point3D(0, 0, -TableThickness / 2),
            new Point3D(options.TableLength, options.TableWidth, TableThickness),
            Rotation3D.Identity);

        var wanted = random.Next(options.MinObjects, options.MaxObjects + 1);
        var objects = new List<SceneObject>();
        var footprints = new List<(double X, double Y, double Radius)>();
        var labels = new HashSet<string>();
        for (var attempt = 0; objects.Count < wanted && attempt < wanted * 50; attempt++)
        {
            var kind = Kinds[random.Next(Kinds.Length)];
            var (colorName, color) = Colors[random.Next(Colors.Length)];
            var size = new Point3D(Uniform(kind.MinX, kind.MaxX), Uniform(kind.MinY, kind.MaxY), Uniform(kind.MinZ, kind.MaxZ));
            var yaw = options.AllowYaw ? Uniform(0, Math.PI) : 0;
            var radius = Math.Sqrt((size.X * size.X) + (size.Y * size.Y)) / 2;
            var halfX = (Math.Min(options.WorkspaceLength, options.TableLength) / 2) - radius;
            var halfY = (Math.Min(options.WorkspaceWidth, options.TableWidth) / 2) - radius;
            var x = Uniform(-halfX, halfX);
            var y = Uniform(-halfY, halfY);
            var label = $"{colorName} {kind.Name}";
            if (halfX <= 0 || halfY <= 0 || labels.Contains(label)
                || footprints.Exists(f => Math.Sqrt(((f.X - x) * (f.X - x)) + ((f.Y - y) * (f.Y - y))) < f.Radius + radius + options.MinGap))
            {
                continue;
            }
            labels.Add(label);
            footprints.Add((x, y, radius));
            objects.Add(new SceneObject(label, color, new OrientedBox3D(new Point3D(x, y, size.Z / 2), size, Rotation3D.AboutZ(yaw))));
        }
        return new TabletopScene(intrinsics, camera, table, -options.TableHeight, objects);
    }
}
