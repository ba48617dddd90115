using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Domain.Tasks;

/// <summary>The task index as its events describe it. Changes only through <see cref="Apply"/>.</summary>
public sealed class TaskIndexState
{
    private readonly Dictionary<TaskId, TaskIndexEntry> _entries = [];
    private readonly List<TaskId> _order = [];

    /// <summary>Every indexed task, in submission order.</summary>
    public IEnumerable<TaskIndexEntry> Entries => _order.Select(id => _entries[id]);

    /// <summary>Whether <paramref name="task"/> is indexed.</summary>
    public bool Contains(TaskId task) => _entries.ContainsKey(task);

    /// <summary>The entry for <paramref name="task"/>, or null.</summary>
    public TaskIndexEntry? Find(TaskId task) => _entries.GetValueOrDefault(task);

    /// <summary>Applies one event.</summary>
    /// <exception cref="ArgumentException">The event is of a type this state does not know.</exception>
    public void Apply(TaskIndexEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        switch (@event)
        {
            case TaskIndexed e:
                if (_entries.TryAdd(e.Task, new TaskIndexEntry(e.Task, e.At, null)))
                {
                    _order.Add(e.Task);
                }
                break;
            case TaskIndexFinished e:
                if (_entries.TryGetValue(e.Task, out var entry))
                {
                    _entries[e.Task] = entry with { Outcome = e.Outcome };
                }
                break;
            default:
                throw new ArgumentException($"TaskIndexState does not know event {@event.GetType().Name}.", nameof(@event));
        }
    }
}
