namespace RoboTracer.Fleet.Grains.Robots;

/// <summary>
/// How commands reach robots: the gRPC RobotLink stream in production (a later issue), a fake in tests. A robot
/// grain calls it after recording the command, so history never misses a command that was sent.
/// </summary>
public interface IRobotCommandChannel
{
    /// <summary>Sends a trace to execute. Throws when the robot cannot be reached.</summary>
    Task ExecuteTraceAsync(ExecuteTraceCommand command, CancellationToken cancellationToken);

    /// <summary>Tells a robot to stop a trace. Throws when the robot cannot be reached.</summary>
    Task CancelStepAsync(CancelStepCommand command, CancellationToken cancellationToken);
}
