using System.Text.Json;
using RoboTracer.Fleet.EventStore;

namespace RoboTracer.Fleet.Orchestrator.Api;

/// <summary>
/// A recorded event as the API shows it (CONTRACT): <c>{"position","version","stream","type","recordedAt","data"}</c>,
/// where <c>data</c> is the event's stored JSON, written through unchanged.
/// </summary>
internal static class EventJson
{
    public static void Write(Utf8JsonWriter writer, RecordedEvent recorded)
    {
        writer.WriteStartObject();
        writer.WriteNumber("position", recorded.Position);
        writer.WriteNumber("version", recorded.Version);
        writer.WriteString("stream", recorded.StreamId);
        writer.WriteString("type", recorded.EventType);
        writer.WriteString("recordedAt", recorded.RecordedAt);
        writer.WritePropertyName("data");
        writer.WriteRawValue(recorded.Data.Span, skipInputValidation: true);
        writer.WriteEndObject();
    }
}
