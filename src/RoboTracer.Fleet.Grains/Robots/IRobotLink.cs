namespace RoboTracer.Fleet.Grains.Robots;

/// <summary>
/// The orchestrator's end of one robot's live link, on whichever silo the robot connected to: a grain observer that
/// the link hands to the robot's grain (<see cref="IRobotGrain.RegisterAsync"/>, and again with every heartbeat, so
/// a robot grain reactivated on another silo finds the link again). The robot grain sends commands through it.
/// </summary>
/// <remarks>
/// Each command carries an id (<c>commandId</c>) that grows with the robot's event stream: the robot executes a
/// trace only when its id is above every one it has executed, so a command delivered twice is not executed twice.
/// A call completes once the robot has acknowledged the command (or, for a robot that does not acknowledge, once it
/// is written to the link) and throws when the link is gone or the robot did not acknowledge in time.
/// </remarks>
public interface IRobotLink : IGrainObserver
{
    /// <summary>Sends a trace to execute.</summary>
    Task ExecuteTraceAsync(ExecuteTraceCommand command, long commandId);

    /// <summary>Tells the robot to stop a trace.</summary>
    Task CancelStepAsync(CancelStepCommand command, long commandId);
}
