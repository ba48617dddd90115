namespace RoboTracer.Fleet.EventStore.Serialization;

/// <summary>A recorded event's payload could not be read as its registered type (malformed or mismatched JSON).</summary>
public sealed class EventDeserializationException : EventStoreException
{
    /// <summary>Creates the exception for <paramref name="recorded"/>.</summary>
    public EventDeserializationException(RecordedEvent recorded, string problem, Exception? innerException)
        : base($"Event {recorded.EventType} at position {recorded.Position} (stream '{recorded.StreamId}', version {recorded.Version}) could not be deserialized: {problem}", innerException)
    {
        StreamId = recorded.StreamId;
        Version = recorded.Version;
        Position = recorded.Position;
        EventType = recorded.EventType;
    }

    /// <summary>The event's stream.</summary>
    public string StreamId { get; }

    /// <summary>The event's version.</summary>
    public long Version { get; }

    /// <summary>The event's global position.</summary>
    public long Position { get; }

    /// <summary>The event's stored type name.</summary>
    public string EventType { get; }
}
