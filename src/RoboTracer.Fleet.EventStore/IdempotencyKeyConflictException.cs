namespace RoboTracer.Fleet.EventStore;

/// <summary>
/// An append reused an idempotency key of the stream but is not a retry of the append that recorded it: its
/// events' keys are not exactly that append's keys in the same order. Nothing of the append was written.
/// </summary>
public sealed class IdempotencyKeyConflictException : EventStoreException
{
    /// <summary>Creates the exception.</summary>
    public IdempotencyKeyConflictException(string streamId, string idempotencyKey, long recordedVersion)
        : base($"Idempotency key '{idempotencyKey}' of stream '{streamId}' was recorded at version {recordedVersion} by an append that this one does not repeat (a retry must carry the same keys, in the same order, on every event).")
    {
        StreamId = streamId;
        IdempotencyKey = idempotencyKey;
        RecordedVersion = recordedVersion;
    }

    /// <summary>The stream appended to.</summary>
    public string StreamId { get; }

    /// <summary>The reused key.</summary>
    public string IdempotencyKey { get; }

    /// <summary>The version of the event recorded with that key.</summary>
    public long RecordedVersion { get; }
}
