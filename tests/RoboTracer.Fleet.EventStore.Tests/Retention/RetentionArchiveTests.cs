using System.Text;
using RoboTracer.Fleet.EventStore.Retention;

namespace RoboTracer.Fleet.EventStore.Tests.Retention;

public sealed class RetentionArchiveTests
{
    [Fact]
    public async Task Events_are_written_as_json_lines_and_read_back_unchanged()
    {
        var at = new DateTimeOffset(2025, 2, 3, 4, 5, 6, TimeSpan.Zero);
        var events = new[]
        {
            new RecordedEvent("task-1", 1, 10, "TaskCreated", "{\"Task\":\"task-1\"}"u8.ToArray(), at, "k1"),
            new RecordedEvent("task-1", 2, 11, "Broken", "{not json"u8.ToArray(), at, null),
        };
        using var archive = new MemoryStream();

        foreach (var e in events)
        {
            RetentionArchive.Write(archive, e);
        }
        var lines = Encoding.UTF8.GetString(archive.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        archive.Position = 0;
        var back = new List<RecordedEvent>();
        await foreach (var e in RetentionArchive.ReadAsync(archive))
        {
            back.Add(e);
        }

        Assert.Equal(2, lines.Length);
        Assert.StartsWith("{\"stream\":\"task-1\",\"version\":1,\"position\":10,\"type\":\"TaskCreated\"", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"data\":{\"Task\":\"task-1\"}", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"dataBase64\":", lines[1], StringComparison.Ordinal);
        Assert.Equal(events.Select(e => (e.StreamId, e.Version, e.Position, e.EventType, e.RecordedAt, e.IdempotencyKey)), back.Select(e => (e.StreamId, e.Version, e.Position, e.EventType, e.RecordedAt, e.IdempotencyKey)));
        Assert.Equal(events.Select(e => e.Data.ToArray()), back.Select(e => e.Data.ToArray()));
    }
}
