using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Domain.Tasks;

/// <summary>A task as callers see it: an immutable copy of its state.</summary>
/// <param name="Id">The task.</param>
/// <param name="Instruction">The user's instruction.</param>
/// <param name="Phase">Where it is (<see cref="TaskPhase.Paused"/> while paused).</param>
/// <param name="Robot">The robot holding it.</param>
/// <param name="Scene">Its scene.</param>
/// <param name="CurrentStep">Index of the first step not yet done.</param>
/// <param name="Steps">The steps.</param>
/// <param name="FailureCategory">Why it failed or was cancelled.</param>
/// <param name="FailureReason">The same in words.</param>
/// <param name="Planner">Which planner made the plan.</param>
/// <param name="SubmittedAt">When submitted.</param>
/// <param name="UpdatedAt">When last changed.</param>
/// <param name="Version">The task stream's version.</param>
public sealed record TaskStatusView(
    TaskId Id,
    string Instruction,
    TaskPhase Phase,
    RobotId? Robot,
    SceneId? Scene,
    int CurrentStep,
    IReadOnlyList<StepStatusView> Steps,
    FailureCategory? FailureCategory,
    string? FailureReason,
    string? Planner,
    DateTimeOffset SubmittedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    /// <summary>True once completed, failed or cancelled.</summary>
    public bool IsTerminal => Phase is TaskPhase.Completed or TaskPhase.Failed or TaskPhase.Cancelled;
}
