namespace RoboTracer.Fleet.Domain.Robots;

/// <summary>Why a robot failed a step (robot_link.proto <c>FailureKind</c>).</summary>
public enum RobotFailureKind
{
    /// <summary>The robot did not say.</summary>
    Unspecified,
    /// <summary>It could not grasp the object, or dropped it.</summary>
    Grasp,
    /// <summary>It hit something.</summary>
    Collision,
    /// <summary>It stopped making progress.</summary>
    Stall,
    /// <summary>A waypoint is out of its reach.</summary>
    Unreachable,
}
