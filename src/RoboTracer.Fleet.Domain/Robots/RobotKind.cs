namespace RoboTracer.Fleet.Domain.Robots;

/// <summary>The body of a robot, which decides what it can reach and carry.</summary>
public enum RobotKind
{
    /// <summary>A fixed manipulator arm.</summary>
    Arm,
    /// <summary>A mobile base, with or without an arm.</summary>
    Mobile,
    /// <summary>A humanoid.</summary>
    Humanoid,
}
