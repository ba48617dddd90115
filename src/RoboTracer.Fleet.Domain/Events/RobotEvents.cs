using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Robots;

namespace RoboTracer.Fleet.Domain.Events;

/// <summary>
/// Something that happened to a robot; the events of stream <c>robot-{id}</c>, applied by
/// <see cref="RobotState.Apply"/>. Heartbeats themselves are not events (one a second per robot would drown the
/// history); what they change is: going online or offline, and telemetry that moved noticeably.
/// </summary>
/// <param name="At">When it happened, by the orchestrator's clock.</param>
public abstract record RobotEvent(DateTimeOffset At);

/// <summary>The robot declared (or re-declared) what it is and where it works.</summary>
public sealed record RobotRegistered(RobotId Robot, RobotCapabilities Capabilities, SceneId Scene, DateTimeOffset At) : RobotEvent(At);

/// <summary>The robot connected, or a heartbeat arrived while it was offline.</summary>
public sealed record RobotWentOnline(DateTimeOffset At) : RobotEvent(At);

/// <summary>The robot disconnected, or missed heartbeats for longer than the timeout.</summary>
public sealed record RobotWentOffline(string Reason, DateTimeOffset At) : RobotEvent(At);

/// <summary>Battery or pose moved noticeably since the last recorded values.</summary>
public sealed record RobotTelemetryRecorded(double? Battery, RobotPose? Pose, DateTimeOffset At) : RobotEvent(At);

/// <summary>A task claimed the robot; no other task may use it until it is released.</summary>
public sealed record RobotReserved(TaskId Task, DateTimeOffset At) : RobotEvent(At);

/// <summary>The task let the robot go.</summary>
public sealed record RobotReleased(TaskId Task, string Reason, DateTimeOffset At) : RobotEvent(At);

/// <summary>A trace was sent to the robot to execute (written before sending: the history never misses a command).</summary>
public sealed record RobotStepDispatched(TaskId Task, int StepIndex, TraceId Trace, DateTimeOffset At) : RobotEvent(At);

/// <summary>The robot was told to stop a trace.</summary>
public sealed record RobotStepCancelRequested(TaskId Task, int StepIndex, TraceId Trace, string Reason, DateTimeOffset At) : RobotEvent(At);

/// <summary>The robot reported on its current trace.</summary>
public sealed record RobotStepReported(RobotStepUpdate Update, DateTimeOffset At) : RobotEvent(At);
