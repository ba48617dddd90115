namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>
/// How a child that exits on its own is restarted: after <see cref="InitialDelay"/>, doubling up to
/// <see cref="MaxDelay"/>; a child that ran for <see cref="ResetAfter"/> starts again from the initial delay. On stop,
/// a child gets SIGTERM and is killed after <see cref="StopGracePeriod"/>.
/// </summary>
internal sealed record RestartPolicy(TimeSpan InitialDelay, TimeSpan MaxDelay, TimeSpan ResetAfter, TimeSpan StopGracePeriod)
{
    public static RestartPolicy Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10));

    /// <summary>The delay before restart number <paramref name="consecutiveFailures"/> (1-based).</summary>
    public TimeSpan DelayFor(int consecutiveFailures)
    {
        var factor = Math.Pow(2, Math.Clamp(consecutiveFailures - 1, 0, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(InitialDelay.Ticks * factor, MaxDelay.Ticks));
        return delay;
    }
}
