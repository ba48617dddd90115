namespace RoboTracer.Fleet.EventStore;

/// <summary>What an acknowledged append wrote (or, for a retry, had written).</summary>
/// <param name="StreamId">The stream appended to.</param>
/// <param name="FirstVersion">The version of the append's first event.</param>
/// <param name="LastVersion">The version of its last event: the expected version for the stream's next append.</param>
/// <param name="FirstPosition">The global position of its first event.</param>
/// <param name="LastPosition">The global position of its last event; an append's positions are consecutive.</param>
/// <param name="AlreadyAppended">True when this was a retry of an append recorded earlier (same idempotency keys): nothing was written.</param>
public sealed record AppendResult(
    string StreamId,
    long FirstVersion,
    long LastVersion,
    long FirstPosition,
    long LastPosition,
    bool AlreadyAppended)
{
    /// <summary>The expected version for the stream's next append.</summary>
    public ExpectedVersion NextExpectedVersion => ExpectedVersion.Exact(LastVersion);
}
