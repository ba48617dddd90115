namespace RoboTracer.Fleet.EventStore;

/// <summary>An event as the store recorded it.</summary>
/// <param name="StreamId">The stream it belongs to.</param>
/// <param name="Version">Its version in the stream: 1 for the stream's first event.</param>
/// <param name="Position">
/// Its global position: unique, increasing in commit order, never reused (retention leaves holes, nothing else does).
/// </param>
/// <param name="EventType">Its type name.</param>
/// <param name="Data">Its UTF-8 JSON payload. PostgreSQL stores jsonb, so whitespace and key order may differ from what was appended.</param>
/// <param name="RecordedAt">When it was committed, by the store's clock; never earlier than an event at a lower position.</param>
/// <param name="IdempotencyKey">The idempotency key it was appended with, or null.</param>
public sealed record RecordedEvent(
    string StreamId,
    long Version,
    long Position,
    string EventType,
    ReadOnlyMemory<byte> Data,
    DateTimeOffset RecordedAt,
    string? IdempotencyKey);
