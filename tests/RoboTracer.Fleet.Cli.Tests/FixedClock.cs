namespace RoboTracer.Fleet.Cli.Tests;

/// <summary>A clock that says it is <see cref="Now"/> (timers still run on real time), to record events in the past.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
