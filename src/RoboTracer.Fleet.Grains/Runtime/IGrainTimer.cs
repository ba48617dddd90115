namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>
/// A grain timer. Its callback runs as a turn of the grain (never alongside another call), a tick that comes
/// while the previous one is still queued is merged into it, and it dies with the activation.
/// </summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>Changes when it next ticks and how often.</summary>
    void Change(TimeSpan dueTime, TimeSpan period);
}
