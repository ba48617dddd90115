namespace RoboTracer.Fleet.Bench.Grains;

/// <summary>The benchmark's grain: one request/response call with a little state, so a turn does real (tiny) work.</summary>
public interface IPingGrain : IGrainWithStringKey
{
    /// <summary>Returns <paramref name="value"/> plus the calls this activation has served.</summary>
    Task<long> PingAsync(long value);
}

/// <summary>Counts its calls.</summary>
public sealed class PingGrain : Grain, IPingGrain
{
    private long _calls;

    /// <inheritdoc />
    public Task<long> PingAsync(long value) => Task.FromResult(value + ++_calls);
}
