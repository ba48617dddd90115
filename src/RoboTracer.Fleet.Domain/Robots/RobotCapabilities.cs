using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Domain.Robots;

/// <summary>What a robot can do, as it declares on connecting.</summary>
/// <param name="Kind">Its body.</param>
/// <param name="Workspace">The box it can reach, in its camera frame (metres); null when unbounded or unknown.</param>
/// <param name="MaxReachMetres">Farthest reach from its base.</param>
/// <param name="MaxPayloadKg">Heaviest load it can carry.</param>
/// <param name="Actions">Action verbs it performs: "pick", "place", "push", "wipe", "open", ...</param>
public sealed record RobotCapabilities(RobotKind Kind, AxisAlignedBox3D? Workspace, double MaxReachMetres, double MaxPayloadKg, IReadOnlySet<string> Actions)
{
    /// <summary>True when the robot declares <paramref name="action"/> (case-insensitive).</summary>
    public bool CanPerform(string action) => Actions.Contains(action) || Actions.Any(a => string.Equals(a, action, StringComparison.OrdinalIgnoreCase));
}
