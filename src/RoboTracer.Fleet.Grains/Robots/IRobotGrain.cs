using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Robots;

namespace RoboTracer.Fleet.Grains.Robots;

/// <summary>
/// One robot (key: the robot id; stream <c>robot-{id}</c>): what it declared, whether it is online, where it is,
/// which task holds it and what trace it executes. The robot link calls the robot-facing methods, task grains the others.
/// </summary>
public interface IRobotGrain : IGrainWithStringKey
{
    /// <summary>The robot connected over <paramref name="link"/> and declared itself; it is online from now on.</summary>
    /// <exception cref="ArgumentException">The registration is invalid; nothing changes.</exception>
    Task<RobotStatus> RegisterAsync(RobotRegistration registration, IRobotLink link);

    /// <summary>
    /// A heartbeat over <paramref name="link"/>: the robot is alive; battery and pose are recorded when they changed
    /// noticeably. Commands go down the link of the latest heartbeat.
    /// </summary>
    /// <exception cref="UnknownRobotException">The robot never registered.</exception>
    Task<RobotStatus> HeartbeatAsync(RobotHeartbeat heartbeat, IRobotLink link);

    /// <summary>
    /// The robot's link closed: it is offline now, without waiting for the heartbeat timeout. A <paramref name="link"/>
    /// other than the robot's current one changes nothing (the robot has connected again since); null ends any.
    /// </summary>
    Task<RobotStatus> DisconnectAsync(string reason, IRobotLink? link);

    /// <summary>The robot as it is now (an unregistered id answers with <see cref="RobotStatus.IsRegistered"/> false).</summary>
    Task<RobotStatus> GetStatusAsync();

    /// <summary>The robot's last recorded report on <paramref name="trace"/>, or null when its last report was on another trace.</summary>
    Task<RobotStepUpdate?> GetLastReportAsync(TraceId trace);

    /// <summary>Claims the robot for <paramref name="task"/>: true when it was free (or already held by that task) and online.</summary>
    /// <exception cref="UnknownRobotException">The robot never registered.</exception>
    Task<bool> TryReserveAsync(TaskId task);

    /// <summary>Lets the robot go, if <paramref name="task"/> holds it.</summary>
    Task<bool> ReleaseAsync(TaskId task, string reason);

    /// <summary>
    /// Records and sends a trace to execute. The trace is checked against the workspace once more, the last gate before
    /// the robot. The robot's current trace is not recorded again: it is sent again under the id it was first sent with,
    /// which a robot that has it acknowledges without running it twice.
    /// </summary>
    /// <exception cref="RobotUnavailableException">The robot is offline or held by another task, or did not take the command.</exception>
    /// <exception cref="RobotNotLinkedException">The robot's link is not known yet (this grain was just activated); nothing was sent.</exception>
    /// <exception cref="ArgumentException">The trace has non-finite or out-of-workspace points.</exception>
    Task ExecuteStepAsync(ExecuteTraceCommand command);

    /// <summary>Records and sends a cancellation (best effort when the robot is offline).</summary>
    Task CancelStepAsync(CancelStepCommand command);

    /// <summary>
    /// The robot reports on a trace. Reports about the current trace are recorded and passed to the task; reports
    /// about a trace that was replaced or cancelled are stale and ignored (false).
    /// </summary>
    /// <exception cref="ArgumentException">The report is malformed.</exception>
    Task<bool> ReportStepUpdateAsync(RobotStepUpdate update);
}
