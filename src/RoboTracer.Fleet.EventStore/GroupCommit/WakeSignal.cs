namespace RoboTracer.Fleet.EventStore.GroupCommit;

/// <summary>
/// Wakes caught-up readers when new events may have committed. A reader takes <see cref="Current"/> before it
/// queries and awaits it after finding nothing new: a pulse between the two completes the task it holds, so no
/// wake-up is lost. It carries no payload; readers always re-read by position.
/// </summary>
internal sealed class WakeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next pulse.</summary>
    public Task Current => Volatile.Read(ref _next).Task;

    /// <summary>Waits for <paramref name="wake"/> (from <see cref="Current"/>) or, at most, <paramref name="poll"/>.</summary>
    public static async Task WaitAsync(Task wake, TimeSpan poll, CancellationToken cancellationToken)
    {
        try
        {
            await wake.WaitAsync(poll, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The poll: look again even without a wake-up.
        }
    }

    public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
