using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Tasks;

namespace RoboTracer.Fleet.Grains.Tasks;

/// <summary>
/// Every task and whether it is finished (one grain, key <see cref="TaskIndexGrain.Key"/>; stream
/// <c>fleet-task-index</c>). A starting node reads the unfinished ones from here to resume them.
/// </summary>
public interface ITaskIndexGrain : IGrainWithStringKey
{
    /// <summary>Adds a task (before its own stream gets its first event); adding it again does nothing.</summary>
    Task AddAsync(TaskId task);

    /// <summary>Marks a task finished with its terminal phase; marking it again does nothing.</summary>
    Task MarkFinishedAsync(TaskId task, TaskPhase outcome);

    /// <summary>Every task, in submission order.</summary>
    Task<IReadOnlyList<TaskIndexEntry>> ListAsync();

    /// <summary>The tasks not yet finished, in submission order.</summary>
    Task<IReadOnlyList<TaskId>> GetUnfinishedAsync();
}
