namespace RoboTracer.Fleet.Domain.Tasks;

/// <summary>Why a step attempt or a task failed, in the categories users filter by.</summary>
public enum FailureCategory
{
    /// <summary>The instruction could not be planned.</summary>
    Planning,
    /// <summary>The inference pool failed, or its trace was rejected (NaN, outside the workspace).</summary>
    Trace,
    /// <summary>A robot failed the step, disconnected, or no capable robot was available.</summary>
    Robot,
    /// <summary>Something took longer than its limit.</summary>
    Timeout,
    /// <summary>A user cancelled.</summary>
    Cancelled,
}
