using System.Text.Json.Serialization.Metadata;

namespace RoboTracer.Fleet.EventStore.Serialization;

/// <summary>
/// One event type for <see cref="EventSerializer"/>: its CLR type, the name stored with each event, and the
/// source-generated <see cref="JsonTypeInfo"/> that (de)serializes it, e.g.
/// <c>EventTypeRegistration.Create(FleetJsonContext.Default.TaskCreated)</c>.
/// </summary>
public sealed class EventTypeRegistration
{
    private EventTypeRegistration(Type type, string eventType, JsonTypeInfo typeInfo)
    {
        Type = type;
        EventType = eventType;
        TypeInfo = typeInfo;
    }

    /// <summary>The CLR type.</summary>
    public Type Type { get; }

    /// <summary>The stored type name. It outlives code: renaming a class must keep this name.</summary>
    public string EventType { get; }

    /// <summary>The source-generated metadata.</summary>
    public JsonTypeInfo TypeInfo { get; }

    /// <summary>Registers <typeparamref name="TEvent"/> under <paramref name="eventType"/> (default: the type's name).</summary>
    public static EventTypeRegistration Create<TEvent>(JsonTypeInfo<TEvent> typeInfo, string? eventType = null)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        eventType ??= typeof(TEvent).Name;
        // Validate the name once here rather than on every append.
        _ = new EventData(eventType, ReadOnlyMemory<byte>.Empty);
        return new EventTypeRegistration(typeof(TEvent), eventType, typeInfo);
    }
}
