using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Grains.Tasks;

/// <summary>No task was submitted under the id.</summary>
[GenerateSerializer]
public sealed class UnknownTaskException(TaskId task) : Exception($"Task '{task}' does not exist.")
{
    /// <summary>The id asked for.</summary>
    [Id(0)]
    public TaskId Task { get; } = task;
}
