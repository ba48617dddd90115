using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.Domain.Tasks;
using RoboTracer.Fleet.Domain.Traces;

namespace RoboTracer.Fleet.Domain.Events;

/// <summary>
/// A transition of a task; the events of stream <c>task-{id}</c>, applied by <see cref="TaskState.Apply"/>.
/// Read in order they are the task's whole history: what was asked, planned, traced, executed and why it ended.
/// </summary>
/// <param name="At">When it happened, by the orchestrator's clock.</param>
public abstract record TaskEvent(DateTimeOffset At);

/// <summary>A user submitted the task.</summary>
public sealed record TaskSubmitted(TaskId Task, string Instruction, RobotId? RequestedRobot, SceneId? Scene, DateTimeOffset At) : TaskEvent(At);

/// <summary>Planning began.</summary>
public sealed record TaskPlanningStarted(DateTimeOffset At) : TaskEvent(At);

/// <summary>The planner decomposed the instruction into steps.</summary>
public sealed record TaskPlanned(Plan Plan, DateTimeOffset At) : TaskEvent(At);

/// <summary>A robot was reserved for the steps from <paramref name="FromStep"/> on.</summary>
/// <param name="Robot">The robot.</param>
/// <param name="Capabilities">What it declared when assigned (its workspace bounds the traces it gets).</param>
/// <param name="Scene">Its scene, which becomes the task's scene.</param>
/// <param name="FromStep">The first step it executes.</param>
/// <param name="At">When.</param>
public sealed record RobotAssigned(RobotId Robot, RobotCapabilities Capabilities, SceneId Scene, int FromStep, DateTimeOffset At) : TaskEvent(At);

/// <summary>The task let its robot go (it failed, or stayed offline too long); the remaining steps wait for another.</summary>
/// <param name="Robot">The robot.</param>
/// <param name="Reason">Why.</param>
/// <param name="Avoid">True when the task should prefer other robots from now on.</param>
/// <param name="At">When.</param>
public sealed record RobotUnassigned(RobotId Robot, string Reason, bool Avoid, DateTimeOffset At) : TaskEvent(At);

/// <summary>The assigned robot went offline; the task waits a grace period before re-assigning.</summary>
public sealed record AssignedRobotDisconnected(RobotId Robot, DateTimeOffset At) : TaskEvent(At);

/// <summary>The assigned robot came back within the grace period.</summary>
public sealed record AssignedRobotReconnected(RobotId Robot, DateTimeOffset At) : TaskEvent(At);

/// <summary>A trace for a step was requested from the inference pool.</summary>
/// <param name="StepIndex">The step.</param>
/// <param name="Trace">The new trace's id.</param>
/// <param name="Reason">Why: first attempt, retry, scene change, resumed.</param>
/// <param name="At">When.</param>
public sealed record TraceRequested(int StepIndex, TraceId Trace, string Reason, DateTimeOffset At) : TaskEvent(At);

/// <summary>A valid trace was sent to the robot.</summary>
/// <param name="StepIndex">The step.</param>
/// <param name="Trace">The trace's id.</param>
/// <param name="Points">The waypoints.</param>
/// <param name="Robot">The robot executing it.</param>
/// <param name="ObjectId">The scene object the step moves, when scene memory knew it.</param>
/// <param name="DestinationId">The destination's scene object, when known.</param>
/// <param name="At">When.</param>
/// <param name="Frame">The frame the tracer saw (by blob reference), so replay can show the image under the trace and a
/// what-if replay can ask another backend the same question; null when scene memory had none.</param>
/// <param name="Object">The moved object as the tracer was told about it.</param>
/// <param name="Destination">The destination object as the tracer was told about it.</param>
public sealed record TraceAssigned(
    int StepIndex,
    TraceId Trace,
    SpatialTrace Points,
    RobotId Robot,
    string? ObjectId,
    string? DestinationId,
    DateTimeOffset At,
    SceneFrame? Frame = null,
    SceneObjectState? Object = null,
    SceneObjectState? Destination = null) : TaskEvent(At);

/// <summary>The robot reported acceptance or progress on the current trace.</summary>
public sealed record StepExecutionReported(int StepIndex, TraceId Trace, RobotStepState State, double Progress, DateTimeOffset At) : TaskEvent(At);

/// <summary>The robot reported success; the step's success check runs.</summary>
public sealed record StepVerificationStarted(int StepIndex, TraceId Trace, DateTimeOffset At) : TaskEvent(At);

/// <summary>The step is done.</summary>
public sealed record StepSucceeded(int StepIndex, string Detail, DateTimeOffset At) : TaskEvent(At);

/// <summary>An attempt at a step failed; the step starts again (bounded by the retry limit).</summary>
/// <param name="StepIndex">The step.</param>
/// <param name="Category">What failed.</param>
/// <param name="Reason">In words.</param>
/// <param name="RobotFailure">The robot's failure kind, for robot failures.</param>
/// <param name="At">When.</param>
public sealed record StepAttemptFailed(int StepIndex, FailureCategory Category, string Reason, RobotFailureKind? RobotFailure, DateTimeOffset At) : TaskEvent(At);

/// <summary>Scene memory saw a change that invalidates the step's trace; it is replaced (not counted as a failure).</summary>
public sealed record SceneChangeDetected(int StepIndex, TraceId Trace, SceneChange Change, DateTimeOffset At) : TaskEvent(At);

/// <summary>The step was stopped without failing (pause, robot lost, node restart) and starts again later.</summary>
public sealed record StepInterrupted(int StepIndex, string Reason, DateTimeOffset At) : TaskEvent(At);

/// <summary>A user paused the task.</summary>
public sealed record TaskPaused(string Reason, DateTimeOffset At) : TaskEvent(At);

/// <summary>A user resumed the task.</summary>
public sealed record TaskResumed(DateTimeOffset At) : TaskEvent(At);

/// <summary>Every step succeeded.</summary>
public sealed record TaskCompleted(DateTimeOffset At) : TaskEvent(At);

/// <summary>The task gave up.</summary>
public sealed record TaskFailed(FailureCategory Category, string Reason, DateTimeOffset At) : TaskEvent(At);

/// <summary>A user cancelled the task.</summary>
public sealed record TaskCancelled(string Reason, DateTimeOffset At) : TaskEvent(At);
