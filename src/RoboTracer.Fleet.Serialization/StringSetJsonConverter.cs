using System.Text.Json;
using System.Text.Json.Serialization;

namespace RoboTracer.Fleet.Serialization;

/// <summary>
/// JSON for <see cref="IReadOnlySet{T}"/> of strings (e.g. <c>RobotCapabilities.Actions</c>) as an array, which
/// System.Text.Json cannot instantiate by itself. Written in ordinal order so equal sets serialize alike.
/// </summary>
public sealed class StringSetJsonConverter : JsonConverter<IReadOnlySet<string>>
{
    /// <inheritdoc />
    public override IReadOnlySet<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("a set of strings is an array");
        }
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            set.Add(reader.GetString() ?? throw new JsonException("a set of strings holds no null"));
        }
        return set;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, IReadOnlySet<string> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        foreach (var item in value.Order(StringComparer.Ordinal))
        {
            writer.WriteStringValue(item);
        }
        writer.WriteEndArray();
    }
}
