namespace RoboTracer.Fleet.EventStore.Tests;

public sealed class BlobHashTests
{
    [Fact]
    public void The_hash_is_sha256_in_lowercase_hex_and_parses_back()
    {
        var hash = BlobHash.Compute("abc"u8);

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hash.ToString());
        Assert.Equal(hash, BlobHash.Parse(hash.ToString().ToUpperInvariant()));
        Assert.True(hash.Matches("abc"u8));
        Assert.False(hash.Matches("abd"u8));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ba7816bf")]
    [InlineData("zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    public void Text_that_is_not_64_hex_digits_is_not_a_hash(string text)
    {
        Assert.False(BlobHash.TryParse(text, out _));
        Assert.Throws<FormatException>(() => BlobHash.Parse(text));
    }

    [Fact]
    public void A_hash_is_32_bytes() =>
        Assert.Throws<ArgumentException>(() => BlobHash.FromBytes(new byte[31]));
}
