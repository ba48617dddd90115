using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Scene;

namespace RoboTracer.Fleet.Planner.Tests;

/// <summary>Robots, scenes and requests the tests share.</summary>
internal static class Fixtures
{
    public static readonly DateTimeOffset At = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static RobotCapabilities Robot(params string[] actions) =>
        new(RobotKind.Arm, null, 0.85, 3.0, new HashSet<string>(actions, StringComparer.OrdinalIgnoreCase));

    /// <summary>An arm that does everything.</summary>
    public static RobotCapabilities Versatile { get; } = Robot("pick", "place", "push", "wipe", "open", "close", "pour");

    public static SceneSnapshot Scene(string id, params string[] labels) => new(
        id,
        labels.Select((label, i) => new SceneObjectState($"obj-{i}", label, new OrientedBox3D(new Point3D(i * 0.1, 0, 0.6), new Point3D(0.08, 0.1, 0.08), Rotation3D.Identity), 0.9, At)).ToList(),
        At);

    public static PlanningRequest Request(string instruction, SceneSnapshot? scene = null, params RobotCapabilities[] robots) =>
        new(instruction, scene, robots.Length == 0 ? [Versatile] : robots);
}
