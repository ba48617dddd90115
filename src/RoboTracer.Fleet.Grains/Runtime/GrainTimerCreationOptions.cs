namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>How a grain timer ticks (Orleans' <c>GrainTimerCreationOptions</c>).</summary>
public sealed record GrainTimerCreationOptions
{
    /// <summary>Time before the first tick.</summary>
    public required TimeSpan DueTime { get; init; }

    /// <summary>Time between ticks; <see cref="Timeout.InfiniteTimeSpan"/> for one tick.</summary>
    public required TimeSpan Period { get; init; }

    /// <summary>
    /// True to keep the activation from idle collection while the timer lives (a robot waiting for heartbeats, a
    /// task waiting for its robot). By default a timer does not count as activity.
    /// </summary>
    public bool KeepAlive { get; init; }
}
