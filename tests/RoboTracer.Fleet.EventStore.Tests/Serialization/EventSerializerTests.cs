using System.Text;
using System.Text.Json.Serialization;
using RoboTracer.Fleet.EventStore.Serialization;

namespace RoboTracer.Fleet.EventStore.Tests.Serialization;

public abstract record TaskEvent(string Task);

public sealed record TaskCreated(string Task, string Instruction) : TaskEvent(Task);

public sealed record TaskFinished(string Task, bool Succeeded) : TaskEvent(Task);

[JsonSerializable(typeof(TaskCreated))]
[JsonSerializable(typeof(TaskFinished))]
public sealed partial class SerializerTestContext : JsonSerializerContext;

public sealed class EventSerializerTests
{
    private static readonly EventSerializer Serializer = new([
        EventTypeRegistration.Create(SerializerTestContext.Default.TaskCreated),
        EventTypeRegistration.Create(SerializerTestContext.Default.TaskFinished, "task.finished.v1"),
    ]);

    [Fact]
    public void A_registered_event_round_trips_through_its_type_name()
    {
        TaskEvent created = new TaskCreated("t1", "wipe the table");

        var data = Serializer.Serialize(created, idempotencyKey: "cmd-1");
        var back = Serializer.Deserialize(Recorded(data.EventType, data.Data));

        Assert.Equal("TaskCreated", data.EventType);
        Assert.Equal("cmd-1", data.IdempotencyKey);
        Assert.Equal(created, back);
        Assert.Equal("task.finished.v1", Serializer.Serialize(new TaskFinished("t1", true)).EventType);
    }

    [Fact]
    public void An_unknown_type_reads_back_as_raw_json()
    {
        var raw = Assert.IsType<RawEvent>(Serializer.Deserialize(Recorded("TaskPaused", """{"Task":"t1","Reason":"e-stop"}"""u8.ToArray())));

        Assert.Equal("TaskPaused", raw.EventType);
        Assert.Equal("e-stop", raw.Data.GetProperty("Reason").GetString());
    }

    [Theory]
    [InlineData("TaskCreated", "{\"Task\": ")]
    [InlineData("TaskCreated", "[1, 2]")]
    [InlineData("TaskCreated", "null")]
    [InlineData("Unknown", "{oops}")]
    public void A_malformed_payload_fails_with_the_event_named(string type, string json)
    {
        var error = Assert.Throws<EventDeserializationException>(() => Serializer.Deserialize(Recorded(type, Encoding.UTF8.GetBytes(json))));

        Assert.Equal((type, 7L, "task-1", 3L), (error.EventType, error.Position, error.StreamId, error.Version));
        Assert.StartsWith($"Event {type} at position 7 (stream 'task-1', version 3) could not be deserialized", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserializing_as_the_wrong_type_says_what_it_is()
    {
        var recorded = Recorded("TaskCreated", Serializer.Serialize(new TaskCreated("t", "i")).Data);

        var error = Assert.Throws<EventDeserializationException>(() => Serializer.Deserialize<TaskFinished>(recorded));

        Assert.Contains("it is a TaskCreated, not a TaskFinished", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serializing_an_unregistered_type_says_how_to_register_it() =>
        Assert.Contains("is not registered", Assert.Throws<ArgumentException>(() => Serializer.Serialize("just a string")).Message, StringComparison.Ordinal);

    [Fact]
    public void A_type_name_registered_twice_is_refused() =>
        Assert.Throws<ArgumentException>(() => new EventSerializer([
            EventTypeRegistration.Create(SerializerTestContext.Default.TaskCreated, "same"),
            EventTypeRegistration.Create(SerializerTestContext.Default.TaskFinished, "same"),
        ]));

    private static RecordedEvent Recorded(string type, ReadOnlyMemory<byte> data) => new("task-1", 3, 7, type, data, DateTimeOffset.UnixEpoch, null);
}
