using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Unicode;

namespace RoboTracer.Fleet.EventStore.Serialization;

/// <summary>
/// Maps typed event records to <see cref="EventData"/> and back with System.Text.Json source generation: each
/// type is registered once with its <see cref="System.Text.Json.Serialization.JsonSerializerContext"/> metadata
/// and a stable type name. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// Reading is tolerant where it should be and strict where it must be: an event type this serializer does not
/// know comes back as a <see cref="RawEvent"/> (the store outlives any one version of the code), while a known
/// type whose payload is malformed fails with <see cref="EventDeserializationException"/> naming the event.
/// </remarks>
public sealed class EventSerializer
{
    private readonly FrozenDictionary<string, EventTypeRegistration> _byName;
    private readonly FrozenDictionary<Type, EventTypeRegistration> _byType;

    /// <summary>Creates a serializer for the registered types.</summary>
    /// <exception cref="ArgumentException">Two registrations share a name or a type.</exception>
    public EventSerializer(IEnumerable<EventTypeRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        var byName = new Dictionary<string, EventTypeRegistration>(StringComparer.Ordinal);
        var byType = new Dictionary<Type, EventTypeRegistration>();
        foreach (var registration in registrations)
        {
            if (!byName.TryAdd(registration.EventType, registration))
            {
                throw new ArgumentException($"Event type name '{registration.EventType}' is registered twice ({byName[registration.EventType].Type.Name} and {registration.Type.Name}).", nameof(registrations));
            }
            if (!byType.TryAdd(registration.Type, registration))
            {
                throw new ArgumentException($"Type {registration.Type.Name} is registered twice ('{byType[registration.Type].EventType}' and '{registration.EventType}').", nameof(registrations));
            }
        }
        _byName = byName.ToFrozenDictionary(StringComparer.Ordinal);
        _byType = byType.ToFrozenDictionary();
    }

    /// <summary>Whether events stored under <paramref name="eventType"/> deserialize to a registered type.</summary>
    public bool IsKnown(string eventType) => _byName.ContainsKey(eventType);

    /// <summary>The stored type name of <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentException">The type is not registered.</exception>
    public string GetEventType(Type type) => Registration(type).EventType;

    /// <summary>Serializes <paramref name="event"/> (of a registered type) into an event to append.</summary>
    /// <exception cref="ArgumentException">The event's type is not registered.</exception>
    public EventData Serialize(object @event, string? idempotencyKey = null)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var registration = Registration(@event.GetType());
        var bytes = JsonSerializer.SerializeToUtf8Bytes(@event, registration.TypeInfo);
        return new EventData(registration.EventType, bytes, idempotencyKey);
    }

    /// <summary>
    /// The recorded event as an instance of its registered type, or as a <see cref="RawEvent"/> when the type
    /// name is not registered.
    /// </summary>
    /// <exception cref="EventDeserializationException">The payload is not valid JSON, or not a valid instance of the registered type.</exception>
    public object Deserialize(RecordedEvent recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        var data = recorded.Data.Span;
        if (!Utf8.IsValid(data))
        {
            throw new EventDeserializationException(recorded, "the payload is not valid UTF-8.", null);
        }
        try
        {
            if (!_byName.TryGetValue(recorded.EventType, out var registration))
            {
                using var document = JsonDocument.Parse(recorded.Data);
                return new RawEvent(recorded.EventType, document.RootElement.Clone());
            }
            return JsonSerializer.Deserialize(data, registration.TypeInfo)
                ?? throw new EventDeserializationException(recorded, "the payload is JSON null.", null);
        }
        catch (JsonException e)
        {
            throw new EventDeserializationException(recorded, e.Message, e);
        }
        catch (NotSupportedException e)
        {
            throw new EventDeserializationException(recorded, e.Message, e);
        }
    }

    /// <summary>The recorded event as <typeparamref name="TEvent"/>.</summary>
    /// <exception cref="EventDeserializationException">The payload cannot be read, or the event is of another (or an unknown) type.</exception>
    public TEvent Deserialize<TEvent>(RecordedEvent recorded) => Deserialize(recorded) switch
    {
        TEvent typed => typed,
        var other => throw new EventDeserializationException(recorded, $"it is a {other.GetType().Name}, not a {typeof(TEvent).Name}.", null),
    };

    private EventTypeRegistration Registration(Type type) => _byType.TryGetValue(type, out var registration)
        ? registration
        : throw new ArgumentException($"Event type {type.FullName} is not registered with this EventSerializer: add EventTypeRegistration.Create(<context>.Default.{type.Name}).", nameof(type));
}
