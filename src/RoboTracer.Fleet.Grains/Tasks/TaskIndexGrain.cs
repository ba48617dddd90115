using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Tasks;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Serialization;
using RoboTracer.Fleet.Grains.EventSourcing;
using RoboTracer.Fleet.Serialization;

namespace RoboTracer.Fleet.Grains.Tasks;

/// <summary>The task index.</summary>
/// <remarks>
/// A task is indexed before its stream's first event and marked finished after its terminal event, so the index
/// may list a task as unfinished that is not (the node stopped in between), never the other way round: resuming
/// such a task finds it terminal and just marks it here.
/// </remarks>
public sealed class TaskIndexGrain(IEventStore store, EventSerializer serializer)
    : EventSourcedGrain<TaskIndexState, TaskIndexEvent>(store, serializer), ITaskIndexGrain
{
    /// <summary>The index's one key.</summary>
    public const string Key = "fleet";

    /// <inheritdoc />
    protected override string StreamId => FleetStreams.TaskIndex;

    /// <inheritdoc />
    public Task AddAsync(TaskId task)
    {
        if (!State.Contains(task))
        {
            Raise(new TaskIndexed(task, TimeProvider.GetUtcNow()));
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task MarkFinishedAsync(TaskId task, TaskPhase outcome)
    {
        if (State.Find(task) is { IsUnfinished: true })
        {
            Raise(new TaskIndexFinished(task, outcome, TimeProvider.GetUtcNow()));
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TaskIndexEntry>> ListAsync() => Task.FromResult<IReadOnlyList<TaskIndexEntry>>([.. State.Entries]);

    /// <inheritdoc />
    public Task<IReadOnlyList<TaskId>> GetUnfinishedAsync() =>
        Task.FromResult<IReadOnlyList<TaskId>>([.. State.Entries.Where(e => e.IsUnfinished).Select(e => e.Task)]);

    /// <inheritdoc />
    protected override void TransitionState(TaskIndexState state, TaskIndexEvent @event) => state.Apply(@event);
}
