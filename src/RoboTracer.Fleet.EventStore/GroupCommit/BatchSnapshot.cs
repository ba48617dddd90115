namespace RoboTracer.Fleet.EventStore.GroupCommit;

/// <summary>
/// What a batch needs to know about the store as its plan assumes it: the head (last position and its time), the
/// current version of each stream it touches, and the events already recorded under its idempotency keys.
/// </summary>
internal sealed class BatchSnapshot(long headPosition, DateTimeOffset headTime)
{
    public long HeadPosition { get; } = headPosition;

    public DateTimeOffset HeadTime { get; } = headTime;

    public Dictionary<string, long> StreamVersions { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string StreamId, string Key), KeyedEvent> RecordedKeys { get; } = [];
}

/// <summary>Where an idempotency key was recorded.</summary>
internal readonly record struct KeyedEvent(long Version, long Position);
