namespace RoboTracer.Fleet.Domain.Robots;

/// <summary>Where a robot is with one issued trace, as it reports it (robot_link.proto <c>StepState</c>).</summary>
public enum RobotStepState
{
    /// <summary>Received and queued.</summary>
    Accepted,
    /// <summary>Following the trace; <see cref="RobotStepUpdate.Progress"/> tells how far.</summary>
    Executing,
    /// <summary>Followed to the end.</summary>
    Succeeded,
    /// <summary>Gave up; <see cref="RobotStepUpdate.Failure"/> tells why.</summary>
    Failed,
    /// <summary>Stopped because it was told to.</summary>
    Cancelled,
}
