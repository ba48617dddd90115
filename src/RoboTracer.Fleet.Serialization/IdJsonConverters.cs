using System.Text.Json;
using System.Text.Json.Serialization;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Scene;

namespace RoboTracer.Fleet.Serialization;

/// <summary>Writes a single-string value type (an id, a blob reference) as a plain JSON string.</summary>
public abstract class StringValueJsonConverter<T> : JsonConverter<T>
{
    /// <summary>The value from its text; throws <see cref="ArgumentException"/> for invalid text.</summary>
    protected abstract T Create(string text);

    /// <summary>The value's text.</summary>
    protected abstract string Text(T value);

    /// <inheritdoc />
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString() ?? throw new JsonException($"a {typeof(T).Name} is a string, not null");
        try
        {
            return Create(text);
        }
        catch (ArgumentException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(Text(value));
    }
}

/// <summary>JSON for <see cref="TaskId"/>.</summary>
public sealed class TaskIdJsonConverter : StringValueJsonConverter<TaskId>
{
    /// <inheritdoc />
    protected override TaskId Create(string text) => new(text);

    /// <inheritdoc />
    protected override string Text(TaskId value) => value.Value;
}

/// <summary>JSON for <see cref="RobotId"/>.</summary>
public sealed class RobotIdJsonConverter : StringValueJsonConverter<RobotId>
{
    /// <inheritdoc />
    protected override RobotId Create(string text) => new(text);

    /// <inheritdoc />
    protected override string Text(RobotId value) => value.Value;
}

/// <summary>JSON for <see cref="SceneId"/>.</summary>
public sealed class SceneIdJsonConverter : StringValueJsonConverter<SceneId>
{
    /// <inheritdoc />
    protected override SceneId Create(string text) => new(text);

    /// <inheritdoc />
    protected override string Text(SceneId value) => value.Value;
}

/// <summary>JSON for <see cref="TraceId"/>.</summary>
public sealed class TraceIdJsonConverter : StringValueJsonConverter<TraceId>
{
    /// <inheritdoc />
    protected override TraceId Create(string text) => new(text);

    /// <inheritdoc />
    protected override string Text(TraceId value) => value.Value;
}

/// <summary>JSON for <see cref="BlobReference"/>: the 64-digit hash.</summary>
public sealed class BlobReferenceJsonConverter : StringValueJsonConverter<BlobReference>
{
    /// <inheritdoc />
    protected override BlobReference Create(string text) => new(text);

    /// <inheritdoc />
    protected override string Text(BlobReference value) => value.Sha256;
}
