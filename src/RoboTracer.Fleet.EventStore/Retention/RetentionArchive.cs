using System.Buffers;
using System.Text;
using System.Text.Json;

namespace RoboTracer.Fleet.EventStore.Retention;

/// <summary>
/// The archive format: one JSON object per line (JSON Lines), one line per event, streams in id order and each
/// stream in version order:
/// <c>{"stream":"task-1","version":1,"position":7,"type":"TaskCreated","recordedAt":"2025-01-01T00:00:00+00:00","idempotencyKey":null,"data":{…}}</c>.
/// A payload that is not valid JSON (a corrupt row) is kept byte for byte as <c>"dataBase64"</c> instead of <c>"data"</c>.
/// </summary>
public static class RetentionArchive
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };

    /// <summary>Writes <paramref name="recorded"/> as one line.</summary>
    public static void Write(Stream archive, RecordedEvent recorded)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(recorded);
        var buffer = new ArrayBufferWriter<byte>(recorded.Data.Length + 256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("stream", recorded.StreamId);
            json.WriteNumber("version", recorded.Version);
            json.WriteNumber("position", recorded.Position);
            json.WriteString("type", recorded.EventType);
            json.WriteString("recordedAt", recorded.RecordedAt);
            if (recorded.IdempotencyKey is null)
            {
                json.WriteNull("idempotencyKey");
            }
            else
            {
                json.WriteString("idempotencyKey", recorded.IdempotencyKey);
            }
            if (IsJson(recorded.Data.Span))
            {
                json.WritePropertyName("data");
                json.WriteRawValue(recorded.Data.Span, skipInputValidation: true);
            }
            else
            {
                json.WriteBase64String("dataBase64", recorded.Data.Span);
            }
            json.WriteEndObject();
        }
        buffer.Write("\n"u8);
        archive.Write(buffer.WrittenSpan);
    }

    /// <summary>Reads an archive back, line by line.</summary>
    public static async IAsyncEnumerable<RecordedEvent> ReadAsync(Stream archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        using var reader = new StreamReader(archive, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var data = root.TryGetProperty("data", out var d)
                ? Encoding.UTF8.GetBytes(d.GetRawText())
                : root.GetProperty("dataBase64").GetBytesFromBase64();
            yield return new RecordedEvent(
                root.GetProperty("stream").GetString()!,
                root.GetProperty("version").GetInt64(),
                root.GetProperty("position").GetInt64(),
                root.GetProperty("type").GetString()!,
                data,
                root.GetProperty("recordedAt").GetDateTimeOffset(),
                root.GetProperty("idempotencyKey").GetString());
        }
    }

    /// <summary>Flushes the archive, to the disk when it is a file: it must outlive the rows it replaces.</summary>
    internal static async Task FlushDurablyAsync(Stream archive, CancellationToken cancellationToken)
    {
        await archive.FlushAsync(cancellationToken);
        if (archive is FileStream file)
        {
            file.Flush(flushToDisk: true);
        }
    }

    internal static bool IsJson(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            while (reader.Read())
            {
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
