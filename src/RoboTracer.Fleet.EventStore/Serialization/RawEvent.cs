using System.Text.Json;

namespace RoboTracer.Fleet.EventStore.Serialization;

/// <summary>
/// An event whose type this process does not know (written by a newer version, or a type since removed), read
/// back as its raw JSON so that readers can skip, log or forward it instead of failing.
/// </summary>
/// <param name="EventType">The stored type name.</param>
/// <param name="Data">The payload.</param>
public sealed record RawEvent(string EventType, JsonElement Data);
