namespace RoboTracer.Fleet.EventStore.Tests;

public sealed class ExpectedVersionTests
{
    [Fact]
    public void Any_is_satisfied_by_every_version_and_exact_only_by_its_own()
    {
        Assert.True(ExpectedVersion.Any.IsSatisfiedBy(0));
        Assert.True(ExpectedVersion.Any.IsSatisfiedBy(42));
        Assert.True(ExpectedVersion.Exact(3).IsSatisfiedBy(3));
        Assert.False(ExpectedVersion.Exact(3).IsSatisfiedBy(4));
    }

    [Fact]
    public void No_stream_is_exact_zero_and_the_default()
    {
        Assert.Equal(ExpectedVersion.NoStream, ExpectedVersion.Exact(0));
        Assert.Equal(ExpectedVersion.NoStream, default);
        Assert.False(ExpectedVersion.NoStream.IsSatisfiedBy(1));
    }

    [Fact]
    public void A_negative_exact_version_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpectedVersion.Exact(-1));

    [Fact]
    public void Versions_print_for_error_messages()
    {
        Assert.Equal("any", ExpectedVersion.Any.ToString());
        Assert.Equal("no stream", ExpectedVersion.NoStream.ToString());
        Assert.Equal("7", ExpectedVersion.Exact(7).ToString());
    }
}
