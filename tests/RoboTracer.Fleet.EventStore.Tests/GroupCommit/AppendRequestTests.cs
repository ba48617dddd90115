using RoboTracer.Fleet.EventStore.GroupCommit;

namespace RoboTracer.Fleet.EventStore.Tests.GroupCommit;

public sealed class AppendRequestTests
{
    private static readonly EventStoreOptions Options = new() { MaxEventBytes = 64 };

    [Fact]
    public void An_append_needs_events() =>
        Assert.Contains("at least one event", Assert.Throws<ArgumentException>(() => AppendRequest.Create("s", ExpectedVersion.Any, [], Options)).Message, StringComparison.Ordinal);

    [Fact]
    public void An_event_over_the_limit_is_rejected_with_its_size_and_the_limit()
    {
        var error = Assert.Throws<EventTooLargeException>(() => AppendRequest.Create("s", ExpectedVersion.Any, [Event("1"), Event($"\"{new string('x', 70)}\"")], Options));

        Assert.Equal((72, 64), (error.Size, error.Limit));
        Assert.Contains("Event 1 (E) for stream 's' is 72 bytes; the limit is 64 bytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"a\":")]
    [InlineData("{} {}")]
    [InlineData("")]
    [InlineData("nope")]
    public void A_payload_that_is_not_one_json_value_is_rejected(string json) =>
        Assert.Contains("is not one UTF-8 JSON value", Assert.Throws<ArgumentException>(() => AppendRequest.Create("s", ExpectedVersion.Any, [Event(json)], Options)).Message, StringComparison.Ordinal);

    [Fact]
    public void A_payload_that_is_not_utf8_is_rejected() =>
        Assert.Contains("not valid UTF-8", Assert.Throws<ArgumentException>(() => AppendRequest.Create("s", ExpectedVersion.Any, [new EventData("E", new byte[] { 0x22, 0xC3, 0x28, 0x22 })], Options)).Message, StringComparison.Ordinal);

    [Fact]
    public void A_key_repeated_within_one_append_is_rejected() =>
        Assert.Contains("appears twice", Assert.Throws<ArgumentException>(() => AppendRequest.Create("s", ExpectedVersion.Any, [Event("1", "k"), Event("2", "k")], Options)).Message, StringComparison.Ordinal);

    [Fact]
    public void Cancelling_withdraws_a_queued_request_but_not_one_the_writer_took()
    {
        var queued = AppendRequest.Create("s", ExpectedVersion.Any, [Event("1")], Options);
        var taken = AppendRequest.Create("s", ExpectedVersion.Any, [Event("1")], Options);

        Assert.True(queued.TryCancel());
        Assert.False(queued.TryTake());
        Assert.True(taken.TryTake());
        Assert.False(taken.TryCancel());
    }

    internal static EventData Event(string json, string? key = null) => new("E", System.Text.Encoding.UTF8.GetBytes(json), key);
}
