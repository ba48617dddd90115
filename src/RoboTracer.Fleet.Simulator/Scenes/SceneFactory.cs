using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Vision.Scenes;
using VisionSceneObject = RoboTracer.Fleet.Vision.Scenes.SceneObject;

namespace RoboTracer.Fleet.Simulator.Scenes;

/// <summary>
/// Builds a robot's tabletop: the camera, intrinsics and table from <see cref="TabletopScene.Generate"/>, then the
/// <see cref="WellKnownObjects"/> and one to three extras of the renderer's other kinds, in any of its colours, placed
/// without overlap. Same seed, same scene.
/// </summary>
internal static class SceneFactory
{
    // Objects stay inside this part of the table (world x and y half-sizes), which every generated camera sees.
    private const double HalfLength = 0.4;
    private const double HalfWidth = 0.25;
    private const int Layouts = 20;
    private const double MinGap = 0.03;
    private const int ExtraDraws = 4;

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
        var wanted = WellKnownObjects.All.OrderByDescending(w => Radius(w.Size)).Select(w => (w.Label, w.Color, w.Size, Required: true)).ToList();
        var extras = random.Next(1, 4);
        var labels = new HashSet<string>(wanted.Select(w => w.Label), StringComparer.Ordinal);
        for (var draw = 0; draw < extras * ExtraDraws && wanted.Count < WellKnownObjects.All.Count + extras; draw++)
        {
            var kind = WellKnownObjects.ExtraKinds[random.Next(WellKnownObjects.ExtraKinds.Count)];
            var (colorName, color) = WellKnownObjects.ExtraColors[random.Next(WellKnownObjects.ExtraColors.Count)];
            var size = new Point3D(Uniform(random, kind.Min.X, kind.Max.X), Uniform(random, kind.Min.Y, kind.Max.Y), Uniform(random, kind.Min.Z, kind.Max.Z));
            // A second "yellow bowl" would make the label ambiguous: draw again.
            if (labels.Add($"{colorName} {kind.Name}"))
            {
                wanted.Add(($"{colorName} {kind.Name}", color, size, Required: false));
            }
        }

        // Largest first, extras too, so a book finds room before the small things are spread over the table; a
        // well-known object that finds none drops the layout, an extra that finds none is left out.
        var placed = new List<(double X, double Y, double Radius)>();
        var objects = new VisionSceneObject?[wanted.Count];
        foreach (var i in Enumerable.Range(0, wanted.Count).OrderByDescending(i => Radius(wanted[i].Size)))
        {
            var (label, color, size, required) = wanted[i];
            objects[i] = TryPlace(label, color, size);
            if (objects[i] is null && required)
            {
                return null;
            }
        }
        // Ids in the order the objects were wanted: the well-known ones are obj-1 to obj-4 in every scene, largest first.
        var kept = objects.OfType<VisionSceneObject>().ToList();
        var ids = Enumerable.Range(1, kept.Count).Select(n => "obj-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return new SimulatedScene(tabletop with { Objects = kept }, ids);

        VisionSceneObject? TryPlace(string label, Vision.Rgb8 color, Point3D size)
        {
            var radius = Radius(size);
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
                return new VisionSceneObject(label, color, new OrientedBox3D(new Point3D(x, y, size.Z / 2), size, Rotation3D.AboutZ(yaw)));
            }
            return null;
        }
    }

    // The radius of the circle around an object's footprint, whatever its yaw.
    private static double Radius(Point3D size) => Math.Sqrt((size.X * size.X) + (size.Y * size.Y)) / 2;

    private static double Uniform(Random random, double min, double max) => min + (random.NextDouble() * (max - min));
}
