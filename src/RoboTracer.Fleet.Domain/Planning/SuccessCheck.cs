namespace RoboTracer.Fleet.Domain.Planning;

/// <summary>How a step's success is verified after the robot reports it done.</summary>
public enum SuccessCheckKind
{
    /// <summary>The robot's own report is enough.</summary>
    RobotReport,
    /// <summary>Scene memory sees the object within the destination (or its relation to it).</summary>
    ObjectAtDestination,
    /// <summary>Scene memory sees the object moved from where it started.</summary>
    ObjectMoved,
}

/// <summary>A step's success condition.</summary>
/// <param name="Kind">What is checked.</param>
/// <param name="Description">The same in words, for people reading the plan.</param>
public sealed record SuccessCheck(SuccessCheckKind Kind, string Description);
