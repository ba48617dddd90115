using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Vision.Scenes;
using VisionSceneObject = RoboTracer.Fleet.Vision.Scenes.SceneObject;

namespace RoboTracer.Fleet.Simulator.Scenes;

/// <summary>
/// Builds a robot's tabletop: the camera, intrinsics and table from <see cref="TabletopScene.Generate"/>, then the
/// <see cref="WellKnownObjects"/> and one to three extras placed without overlap. Same seed, same scene.
/// </summary>
internal static class SceneFactory
{
    // Objects stay inside this part of the table (world x and y half-sizes), which every generated camera sees.
    private const double HalfLength = 0.4;
    private const double HalfWidth = 0.25;
    private const int Layouts = 20;
    private const double MinGap = 0.03;

    public static SimulatedScene Create(int seed, int width, int height)
    {
        var options = TabletopSceneOptions.Default with { Width = width, Height = height, MinObjects = 0, MaxObjects = 0 };
        var tabletop = TabletopScene.Generate(seed, options);
        // Placement draws from its own streams, so changing the object set never moves the camera; a layout
        // with no room left for a well-known object is dropped for the next stream's.
        for (var layout = 0; layout < Layouts; layout++)
        {
            if (TryLayout(tabletop, new Random(Configuration.Seeds.Derive(seed, 0x5CE4E + layout))) is { } scene)
            {
                return scene;
            }
        }
        throw new InvalidOperationException($"scene {seed}: no layout in {Layouts} tries fits the well-known objects");
    }

    private static SimulatedScene? TryLayout(TabletopScene tabletop, Random random)
    {
        var placed = new List<(double X, double Y, double Radius)>();
        var objects = new List<VisionSceneObject>();
        var ids = new List<string>();

        bool TryPlace(string label, Vision.Rgb8 color, Point3D size)
        {
            var radius = Math.Sqrt((size.X * size.X) + (size.Y * size.Y)) / 2;
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var x = Uniform(random, -HalfLength + radius, HalfLength - radius);
                var y = Uniform(random, -HalfWidth + radius, HalfWidth - radius);
                var yaw = Uniform(random, 0, Math.PI);
                if (placed.Exists(p => Math.Sqrt(((p.X - x) * (p.X - x)) + ((p.Y - y) * (p.Y - y))) < p.Radius + radius + MinGap))
                {
                    continue;
                }
                placed.Add((x, y, radius));
                objects.Add(new VisionSceneObject(label, color, new OrientedBox3D(new Point3D(x, y, size.Z / 2), size, Rotation3D.AboutZ(yaw))));
                ids.Add("obj-" + (ids.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                return true;
            }
            return false;
        }

        // Largest first: the plate needs the most room.
        foreach (var (label, color, size) in WellKnownObjects.All.OrderByDescending(w => w.Size.X * w.Size.Y))
        {
            if (!TryPlace(label, color, size))
            {
                return null;
            }
        }
        var extras = random.Next(1, 4);
        var labels = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < extras; i++)
        {
            var kind = WellKnownObjects.ExtraKinds[random.Next(WellKnownObjects.ExtraKinds.Count)];
            var (colorName, color) = WellKnownObjects.ExtraColors[random.Next(WellKnownObjects.ExtraColors.Count)];
            var size = new Point3D(Uniform(random, kind.Min.X, kind.Max.X), Uniform(random, kind.Min.Y, kind.Max.Y), Uniform(random, kind.Min.Z, kind.Max.Z));
            var label = $"{colorName} {kind.Name}";
            // A second "yellow bowl" would make the label ambiguous; a full table just gets fewer extras.
            if (labels.Add(label))
            {
                TryPlace(label, color, size);
            }
        }
        return new SimulatedScene(tabletop with { Objects = objects }, ids);
    }

    private static double Uniform(Random random, double min, double max) => min + (random.NextDouble() * (max - min));
}
