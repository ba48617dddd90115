namespace RoboTracer.Fleet.EventStore;

/// <summary>An event's payload is larger than <see cref="EventStoreOptions.MaxEventBytes"/>; nothing was written.</summary>
public sealed class EventTooLargeException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public EventTooLargeException(string streamId, int index, string eventType, int size, int limit)
        : base($"Event {index} ({eventType}) for stream '{streamId}' is {size} bytes; the limit is {limit} bytes (EventStoreOptions.MaxEventBytes). Store large data as a blob and reference its hash.", "events")
    {
        Size = size;
        Limit = limit;
    }

    /// <summary>The payload's size in bytes.</summary>
    public int Size { get; }

    /// <summary>The configured limit in bytes.</summary>
    public int Limit { get; }
}
