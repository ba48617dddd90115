namespace RoboTracer.Fleet.EventStore.Tests;

public sealed class EventStoreOptionsTests
{
    [Fact]
    public void The_defaults_are_valid() => new EventStoreOptions().Validate();

    [Fact]
    public void A_version_cache_with_no_room_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new EventStoreOptions { MaxCachedStreams = 0 }.Validate());

        Assert.Equal(nameof(EventStoreOptions.MaxCachedStreams), error.ParamName);
    }
}
