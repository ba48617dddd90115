using System.Globalization;
using RoboTracer.Fleet.Cli.Api;
using RoboTracer.Fleet.Domain.Tasks;

namespace RoboTracer.Fleet.Cli.Output;

/// <summary>
/// Follows one task until it is terminal: its recorded history first, then <c>/api/stream</c> after the last
/// position of that history, so no event falls in the gap between the two reads and none is shown twice.
/// </summary>
internal static class TaskFollower
{
    /// <summary>Prints the task's events as they happen; returns its final view and the exit code its outcome means.</summary>
    public static async Task<(TaskView Task, int ExitCode)> FollowAsync(FleetApiClient client, string taskId, CliContext context, CancellationToken cancellationToken)
    {
        var history = await client.GetTaskEventsAsync(taskId, cancellationToken);
        // The server takes a unique prefix of the id (as git does); the stream names the task by its full id.
        taskId = history.Select(EventText.TaskIdOf).FirstOrDefault(id => id is not null) ?? taskId;
        var terminal = false;
        foreach (var recorded in history)
        {
            await WriteAsync(context, recorded);
            terminal |= EventText.IsTerminalFor(recorded, taskId);
        }
        if (!terminal)
        {
            // Position 0 only when the history is empty (the task's first event not yet readable): the stream then
            // starts at the beginning, which is complete if slow.
            var after = history.Count > 0 ? history.Max(e => e.Position) : 0;
            await foreach (var recorded in client.StreamAsync(after, cancellationToken))
            {
                if (EventText.TaskIdOf(recorded) != taskId)
                {
                    continue;
                }
                await WriteAsync(context, recorded);
                if (EventText.IsTerminalFor(recorded, taskId))
                {
                    break;
                }
            }
        }
        var task = await client.GetTaskAsync(taskId, cancellationToken);
        var done = task.Steps?.Count(s => s.Phase == nameof(StepPhase.Succeeded)) ?? 0;
        var total = task.Steps?.Count ?? 0;
        var outcome = task.Phase switch
        {
            nameof(TaskPhase.Completed) => $"task {task.Id} completed: {done}/{total} steps",
            nameof(TaskPhase.Failed) when total == 0 => $"task {task.Id} failed before it had a plan: {task.FailureCategory}: {task.FailureReason}",
            nameof(TaskPhase.Failed) => $"task {task.Id} failed after {done}/{total} steps: {task.FailureCategory}: {task.FailureReason}",
            nameof(TaskPhase.Cancelled) => $"task {task.Id} cancelled after {done}/{total} steps{(task.FailureReason is { Length: > 0 } r ? $": {r}" : "")}",
            _ => $"task {task.Id} is {task.Phase}",
        };
        await context.Out.WriteLineAsync(outcome);
        return (task, task.Phase == nameof(TaskPhase.Completed) ? ExitCodes.Ok : ExitCodes.Failed);
    }

    public static Task WriteAsync(CliContext context, FleetEvent recorded) =>
        context.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture, $"{recorded.RecordedAt.UtcDateTime:HH:mm:ss.fff} {EventText.Describe(recorded)}"));
}
