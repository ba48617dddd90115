using RoboTracer.Fleet.Grpc.Protocol;

namespace RoboTracer.Fleet.Grpc.Tests;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("100n", 1L)]
    [InlineData("1n", 1L)]
    [InlineData("99999999S", 999_999_990_000_000L)]
    public void Parse_reads_every_unit_of_the_spec(string header, long expectedTicks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10s")]
    [InlineData("-5S")]
    [InlineData("1.5S")]
    [InlineData("123456789S")]
    [InlineData(" 5S")]
    public void Parse_rejects_values_outside_the_spec(string header)
    {
        Assert.False(GrpcTimeout.TryParse(header, out _));
    }

    [Fact]
    public void Format_uses_the_finest_unit_that_fits_eight_digits()
    {
        Assert.Equal("50000000n", GrpcTimeout.Format(TimeSpan.FromMilliseconds(50)));
        Assert.Equal("5000000u", GrpcTimeout.Format(TimeSpan.FromSeconds(5)));
        Assert.Equal("3600000m", GrpcTimeout.Format(TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Format_never_shortens_the_timeout()
    {
        foreach (var ticks in new long[] { 1, 999, 1_000_001, 123_456_789_012, TimeSpan.FromDays(30).Ticks + 1 })
        {
            var sent = GrpcTimeout.Format(TimeSpan.FromTicks(ticks));
            Assert.True(GrpcTimeout.TryParse(sent, out var parsed), sent);
            Assert.True(parsed.Ticks >= ticks, $"{sent} is shorter than {ticks} ticks");
            Assert.True(sent.Length <= 9, sent);
        }
    }

    [Fact]
    public void Format_of_an_expired_deadline_is_the_smallest_timeout()
    {
        Assert.Equal("1n", GrpcTimeout.Format(TimeSpan.FromSeconds(-3)));
    }
}
