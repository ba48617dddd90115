using System.Text.Json.Serialization;

namespace RoboTracer.Fleet.EventStore.Retention;

/// <summary>Source-generated JSON for the id lists SQLite's retention queries take through <c>json_each</c>.</summary>
[JsonSerializable(typeof(string[]))]
internal sealed partial class RetentionJsonContext : JsonSerializerContext;
