namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>One message in an activation's mailbox: a call or a timer tick. Run as one turn of the grain.</summary>
internal abstract class WorkItem
{
    /// <summary>True when it may run while another turn of the grain is awaiting.</summary>
    public abstract bool Interleaves { get; }

    /// <summary>True for calls, which move to the next activation when theirs deactivates; false for timer ticks, which die with it.</summary>
    public abstract bool IsCall { get; }

    /// <summary>True when the caller may run the turn on its own thread if the activation is idle (request/response calls).</summary>
    public abstract bool MayRunInline { get; }

    /// <summary>
    /// Runs the turn; the result or failure goes to whoever waits, never out of this method.
    /// <paramref name="finished"/> runs once, with this item, when the turn is over and before anyone hears of
    /// it, so that a caller who got its answer finds the activation idle.
    /// </summary>
    public abstract Task RunAsync(Grain grain, Action<WorkItem> finished);

    /// <summary>Ends the item without running it.</summary>
    public abstract void Fail(Exception exception);
}
