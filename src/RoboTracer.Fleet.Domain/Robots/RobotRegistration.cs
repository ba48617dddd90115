using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Domain.Robots;

/// <summary>What a robot declares on connecting (robot_link.proto <c>Hello</c>).</summary>
/// <param name="Capabilities">What it can do.</param>
/// <param name="Scene">The scene it works in.</param>
public sealed record RobotRegistration(RobotCapabilities Capabilities, SceneId Scene)
{
    /// <summary>What is wrong with the registration, or null when it is valid.</summary>
    public string? Problem()
    {
        if (Capabilities is null)
        {
            return "a registration needs capabilities";
        }
        if (Scene.Value is null)
        {
            return "a registration needs a scene id";
        }
        if (!Enum.IsDefined(Capabilities.Kind))
        {
            return $"robot kind {(int)Capabilities.Kind} is unknown";
        }
        if (!double.IsFinite(Capabilities.MaxReachMetres) || Capabilities.MaxReachMetres <= 0)
        {
            return $"max reach {Capabilities.MaxReachMetres} m is not a positive number";
        }
        if (!double.IsFinite(Capabilities.MaxPayloadKg) || Capabilities.MaxPayloadKg < 0)
        {
            return $"max payload {Capabilities.MaxPayloadKg} kg is not a non-negative number";
        }
        if (Capabilities.Workspace is { } w && !(w.Min.IsFinite && w.Max.IsFinite))
        {
            return "the workspace box has a non-finite corner";
        }
        if (Capabilities.Actions is null || Capabilities.Actions.Count == 0 || Capabilities.Actions.Any(string.IsNullOrWhiteSpace))
        {
            return "a robot declares at least one action, and no empty one";
        }
        return null;
    }
}
