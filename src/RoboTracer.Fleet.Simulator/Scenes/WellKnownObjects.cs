using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Vision;
using RoboTracer.Fleet.Vision.Scenes;

namespace RoboTracer.Fleet.Simulator.Scenes;

/// <summary>
/// What simulated scenes hold. Four objects every scene has, so one demo instruction works on every robot, e.g. "put
/// the red cup on the plate, then move the blue box to the left of the plate"; then extras of every other kind and
/// every colour the tabletop renderer makes (<see cref="TabletopScene.ObjectKinds"/>, <see cref="TabletopScene.ObjectColors"/>).
/// Every label is "colour kind", as the renderer's, so what a user sees in the picture is what the planner binds
/// (<see cref="Domain.Scene.SceneGrounding"/>): "the white plate" and "the plate" name the plate, "the blue plate" nothing.
/// Extras never share a kind with the well-known objects, so "the cup", "the box", "the plate" and "the block" each
/// name exactly one object.
/// </summary>
internal static class WellKnownObjects
{
    /// <summary>The well-known objects: label, colour and size (world x, y, height in metres).</summary>
    public static IReadOnlyList<(string Label, Rgb8 Color, Point3D Size)> All { get; } =
    [
        Known("red", "cup", new Point3D(0.08, 0.08, 0.10)),
        Known("blue", "box", new Point3D(0.14, 0.10, 0.08)),
        Known("white", "plate", new Point3D(0.22, 0.22, 0.02)),
        Known("green", "block", new Point3D(0.05, 0.05, 0.05)),
    ];

    /// <summary>Kinds the random extras are drawn from: every kind the renderer makes but the well-known objects'.</summary>
    public static IReadOnlyList<(string Name, Point3D Min, Point3D Max)> ExtraKinds { get; } =
        [.. TabletopScene.ObjectKinds.Where(k => !All.Any(w => w.Label.EndsWith(" " + k.Name, StringComparison.Ordinal)))];

    /// <summary>Colours of the extras: every colour the renderer paints.</summary>
    public static IReadOnlyList<(string Name, Rgb8 Color)> ExtraColors { get; } = TabletopScene.ObjectColors;

    /// <summary>Label prefix of obstacles the simulator drops into a scene ("obstacle", "obstacle 2", …).</summary>
    public const string ObstacleLabel = "obstacle";

    /// <summary>The colour of obstacles.</summary>
    public static Rgb8 ObstacleColor { get; } = new(110, 110, 120);

    private static (string Label, Rgb8 Color, Point3D Size) Known(string color, string kind, Point3D size) =>
        ($"{color} {kind}", TabletopScene.ObjectColors.Single(c => c.Name == color).Color, size);
}
