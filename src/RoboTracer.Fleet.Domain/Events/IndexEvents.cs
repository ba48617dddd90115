using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Tasks;

namespace RoboTracer.Fleet.Domain.Events;

/// <summary>
/// A change to the task index, stream <c>fleet-task-index</c>: which tasks exist and which are finished, so
/// that a node starting up finds every unfinished task without scanning the store.
/// </summary>
/// <param name="At">When.</param>
public abstract record TaskIndexEvent(DateTimeOffset At);

/// <summary>A task is being submitted (written before the task's own first event: a task is never missing from the index).</summary>
public sealed record TaskIndexed(TaskId Task, DateTimeOffset At) : TaskIndexEvent(At);

/// <summary>A task reached a terminal phase.</summary>
public sealed record TaskIndexFinished(TaskId Task, TaskPhase Outcome, DateTimeOffset At) : TaskIndexEvent(At);

/// <summary>A change to the robot directory, stream <c>fleet-robot-index</c>: which robots ever registered.</summary>
/// <param name="At">When.</param>
public abstract record RobotDirectoryEvent(DateTimeOffset At);

/// <summary>A robot registered for the first time.</summary>
public sealed record RobotListed(RobotId Robot, DateTimeOffset At) : RobotDirectoryEvent(At);
