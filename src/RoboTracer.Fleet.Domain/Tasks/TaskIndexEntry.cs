using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Domain.Tasks;

/// <summary>One task in the index.</summary>
/// <param name="Task">The task.</param>
/// <param name="IndexedAt">When it was submitted.</param>
/// <param name="Outcome">Its terminal phase, or null while unfinished.</param>
public sealed record TaskIndexEntry(TaskId Task, DateTimeOffset IndexedAt, TaskPhase? Outcome)
{
    /// <summary>True while the task has not reached a terminal phase.</summary>
    public bool IsUnfinished => Outcome is null;
}
