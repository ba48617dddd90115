using RoboTracer.Fleet.Grpc.Protocol;

namespace RoboTracer.Fleet.Grpc.Tests;

public sealed class PercentEncodingTests
{
    [Fact]
    public void Plain_ascii_is_sent_as_it_is()
    {
        Assert.Equal("no trace for step 3", PercentEncoding.Encode("no trace for step 3"));
    }

    [Fact]
    public void Non_ascii_and_percent_are_encoded_as_utf8_bytes()
    {
        Assert.Equal("caf%C3%A9 100%25 %E2%98%83", PercentEncoding.Encode("café 100% ☃"));
        Assert.Equal("line%0Abreak", PercentEncoding.Encode("line\nbreak"));
    }

    [Theory]
    [InlineData("not here: é ☃ 机器人 100%")]
    [InlineData("%")]
    [InlineData("tab\there")]
    [InlineData("")]
    public void Decode_inverts_encode(string message)
    {
        Assert.Equal(message, PercentEncoding.Decode(PercentEncoding.Encode(message)));
    }

    [Fact]
    public void Decode_keeps_malformed_escapes_instead_of_failing()
    {
        Assert.Equal("50% off %zz", PercentEncoding.Decode("50% off %zz"));
        Assert.Equal("end%4", PercentEncoding.Decode("end%4"));
    }
}
