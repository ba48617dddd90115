namespace RoboTracer.Fleet.Grpc.Tests;

public sealed class MetadataTests
{
    [Fact]
    public void Keys_are_lower_cased_and_looked_up_case_insensitively()
    {
        var metadata = new Metadata { { "X-Robot-Id", "r1" } };
        Assert.Equal("x-robot-id", metadata.Single().Key);
        Assert.Equal("r1", metadata.GetValue("X-ROBOT-ID"));
    }

    [Fact]
    public void Binary_values_need_a_bin_key_and_text_values_must_not_have_one()
    {
        Assert.Throws<ArgumentException>(() => new Metadata().Add("trace-bin", "text"));
        Assert.Throws<ArgumentException>(() => new Metadata().Add("trace", new byte[] { 1 }));
        var metadata = new Metadata { { "trace-bin", new byte[] { 1, 2 } } };
        Assert.True(metadata.Single().IsBinary);
    }

    [Theory]
    [InlineData("grpc-status")]
    [InlineData("has space")]
    [InlineData("ünïcode")]
    public void Reserved_and_invalid_keys_are_rejected(string key)
    {
        Assert.Throws<ArgumentException>(() => new Metadata().Add(key, "v"));
    }
}
