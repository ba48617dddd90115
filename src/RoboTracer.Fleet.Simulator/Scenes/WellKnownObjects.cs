using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Simulator.Scenes;

/// <summary>
/// Objects every simulated scene has, so one demo instruction works on every robot, e.g. "put the red cup on the
/// plate, then move the blue box to the left of the plate". Their labels are plain phrases the planner matches
/// (src/RoboTracer.Fleet.Planner/SceneMatching.cs): the extra objects of a scene never share a noun with them, so
/// "the cup", "the box", "the plate" and "the block" each name exactly one object.
/// </summary>
internal static class WellKnownObjects
{
    /// <summary>The well-known objects: label, colour and size (world x, y, height in metres).</summary>
    public static IReadOnlyList<(string Label, Rgb8 Color, Point3D Size)> All { get; } =
    [
        ("red cup", new Rgb8(200, 40, 40), new Point3D(0.08, 0.08, 0.10)),
        ("blue box", new Rgb8(40, 80, 200), new Point3D(0.14, 0.10, 0.08)),
        ("plate", new Rgb8(235, 235, 235), new Point3D(0.22, 0.22, 0.02)),
        ("green block", new Rgb8(40, 160, 60), new Point3D(0.05, 0.05, 0.05)),
    ];

    /// <summary>Kinds the random extras are drawn from: name and size ranges (min/max of x, y, height).</summary>
    public static IReadOnlyList<(string Name, Point3D Min, Point3D Max)> ExtraKinds { get; } =
    [
        ("bottle", new Point3D(0.06, 0.06, 0.18), new Point3D(0.075, 0.075, 0.25)),
        ("sponge", new Point3D(0.08, 0.05, 0.025), new Point3D(0.10, 0.07, 0.035)),
        ("bowl", new Point3D(0.14, 0.14, 0.06), new Point3D(0.18, 0.18, 0.08)),
        ("can", new Point3D(0.065, 0.065, 0.11), new Point3D(0.07, 0.07, 0.13)),
    ];

    /// <summary>Colours of the extras.</summary>
    public static IReadOnlyList<(string Name, Rgb8 Color)> ExtraColors { get; } =
    [
        ("yellow", new Rgb8(230, 200, 40)),
        ("orange", new Rgb8(240, 130, 30)),
        ("purple", new Rgb8(130, 60, 170)),
        ("black", new Rgb8(35, 35, 35)),
        ("pink", new Rgb8(240, 130, 170)),
    ];

    /// <summary>Label prefix of obstacles the simulator drops into a scene ("obstacle", "obstacle 2", …).</summary>
    public const string ObstacleLabel = "obstacle";

    /// <summary>The colour of obstacles.</summary>
    public static Rgb8 ObstacleColor { get; } = new(110, 110, 120);
}
