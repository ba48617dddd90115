namespace RoboTracer.Fleet.EventStore.IntegrationTests;

/// <summary>A clock the test moves by hand (Microsoft.Extensions.TimeProvider.Testing does not restore here).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    // Timestamps move with the clock too, so what the store times with them (the writer's pauses) waits for Advance.
    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
