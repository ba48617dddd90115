namespace RoboTracer.Fleet.Domain.Tasks;

/// <summary>
/// Where a task is in its life: Submitted → Planning → WaitingForRobot → Assigned (steps run) → Completed,
/// Failed or Cancelled. Paused is shown while a task is paused; it is not a step of the sequence.
/// </summary>
public enum TaskPhase
{
    /// <summary>Accepted, not yet planned.</summary>
    Submitted,
    /// <summary>The planner is decomposing the instruction.</summary>
    Planning,
    /// <summary>Planned; looking for a capable, online, idle robot (again, after a robot was lost).</summary>
    WaitingForRobot,
    /// <summary>A robot holds the task and its steps run.</summary>
    Assigned,
    /// <summary>Paused by a user; resumes where it stopped.</summary>
    Paused,
    /// <summary>Every step succeeded.</summary>
    Completed,
    /// <summary>Gave up; see the failure category and reason.</summary>
    Failed,
    /// <summary>Cancelled by a user.</summary>
    Cancelled,
}
