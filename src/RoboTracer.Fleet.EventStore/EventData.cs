namespace RoboTracer.Fleet.EventStore;

/// <summary>
/// One event to append: its type name and its UTF-8 JSON payload (see
/// <see cref="Serialization.EventSerializer"/> for typed records), with an optional idempotency key.
/// </summary>
/// <remarks>
/// The idempotency key is scoped to the stream: an append all of whose events carry keys already recorded in
/// that stream, in the same order, is a retry; it writes nothing and returns the original versions and positions.
/// </remarks>
public sealed record EventData
{
    /// <summary>The longest event type name.</summary>
    public const int MaxEventTypeLength = 256;

    /// <summary>The longest idempotency key.</summary>
    public const int MaxIdempotencyKeyLength = 200;

    /// <summary>Creates an event from its type name and UTF-8 JSON payload.</summary>
    /// <exception cref="ArgumentException">The type name or the key is empty or too long.</exception>
    public EventData(string eventType, ReadOnlyMemory<byte> data, string? idempotencyKey = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventType);
        if (eventType.Length > MaxEventTypeLength)
        {
            throw new ArgumentException($"Event type '{eventType[..32]}…' is {eventType.Length} characters long; at most {MaxEventTypeLength} are allowed.", nameof(eventType));
        }
        if (idempotencyKey is not null && (idempotencyKey.Length == 0 || idempotencyKey.Length > MaxIdempotencyKeyLength))
        {
            throw new ArgumentException($"An idempotency key must be 1 to {MaxIdempotencyKeyLength} characters long; this one is {idempotencyKey.Length}.", nameof(idempotencyKey));
        }
        EventType = eventType;
        Data = data;
        IdempotencyKey = idempotencyKey;
    }

    /// <summary>The event's type name, e.g. <c>TaskCreated</c>.</summary>
    public string EventType { get; }

    /// <summary>The payload: one UTF-8 JSON value.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The caller's key that makes a retried append a no-op, or null.</summary>
    public string? IdempotencyKey { get; }
}
