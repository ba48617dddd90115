using System.Buffers.Binary;
using RoboTracer.Fleet.Vision.Png;

namespace RoboTracer.Fleet.Vision.Tests.Png;

public sealed class PngErrorTests
{
    private static readonly byte[] Valid = PngBuilder.Image(PngBuilder.Header(3, 2, 8, 2), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    [Fact]
    public void The_fixture_itself_decodes()
    {
        Assert.Equal(3, PngCodec.Decode(Valid).Width);
    }

    [Fact]
    public void Wrong_signature_is_not_a_PNG()
    {
        var error = Assert.Throws<PngFormatException>(() => PngCodec.Decode("GIF89a\x01\x00\x01\x00"u8));

        Assert.Equal("not a PNG: the file does not start with the PNG signature", error.Message);
    }

    [Fact]
    public void Every_truncation_is_reported_as_truncated()
    {
        for (var length = 0; length < Valid.Length; length++)
        {
            var error = Assert.Throws<PngFormatException>(() => PngCodec.Decode(Valid.AsSpan(0, length)));
            Assert.Contains("truncated", error.Message);
        }
    }

    [Fact]
    public void Truncation_inside_a_chunk_names_it()
    {
        var error = Assert.Throws<PngFormatException>(() => PngCodec.Decode(Valid.AsSpan(0, 8 + 12 + 13 + 20)));

        Assert.StartsWith("PNG is truncated: chunk 'IDAT' at byte 33 declares", error.Message);
    }

    [Fact]
    public void Corrupt_byte_fails_the_chunk_CRC()
    {
        var corrupt = (byte[])Valid.Clone();
        corrupt[8 + 12 + 13 + 8 + 2] ^= 0x40; // inside the IDAT data

        var error = Assert.Throws<PngFormatException>(() => PngCodec.Decode(corrupt));

        Assert.StartsWith("PNG chunk 'IDAT' at byte 33 has a bad CRC: stored 0x", error.Message);
    }

    [Fact]
    public void Corrupt_deflate_data_with_a_valid_CRC_is_reported()
    {
        var file = new PngBuilder()
            .Chunk("IHDR", PngBuilder.Header(2, 2, 8, 0))
            .Chunk("IDAT", [0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF, 0x00])
            .Chunk("IEND", [])
            .ToArray();

        var error = Assert.Throws<PngFormatException>(() => PngCodec.Decode(file));

        Assert.StartsWith("PNG image data is corrupt", error.Message);
    }

    [Fact]
    public void Wrong_Adler32_at_the_end_of_the_data_is_reported()
    {
        var compressed = PngBuilder.Deflate([0, 1, 2, 0, 3, 4]);
        compressed[^1] ^= 0xFF;
        var file = new PngBuilder()
            .Chunk("IHDR", PngBuilder.Header(2, 2, 8, 0))
            .Chunk("IDAT", compressed)
            .Chunk("IEND", [])
            .ToArray();

        var error = Assert.Throws<PngFormatException>(() => PngCodec.Decode(file));

        Assert.StartsWith("PNG image data is corrupt", error.Message);
    }

    [Fact]
    public void Too_little_image_data_is_truncated()
    {
        var file = PngBuilder.Image(PngBuilder.Header(2, 2, 8, 0), [0, 1, 2]);

        var error = Assert.Throws<PngFormatException>(() => PngCodec.Decode(file));

        Assert.Equal("PNG image data is truncated: it inflates to 3 bytes, the header needs 6", error.Message);
    }

    [Fact]
    public void Extra_data_after_the_image_is_tolerated()
    {
        // 1x1 gray needs 2 bytes; 5 MB of zeros follow in the same zlib stream.
        var file = PngBuilder.Image(PngBuilder.Header(1, 1, 8, 0), [0, 42, .. new byte[5_000_000]]);

        Assert.Equal([42], PngCodec.Decode(file).ToGray8());
    }

    [Fact]
    public void Interlaced_images_are_refused_clearly()
    {
        var file = PngBuilder.Image(PngBuilder.Header(1, 1, 8, 0, interlace: 1), [0, 0]);

        var error = Assert.Throws<PngFormatException>(() => PngCodec.Decode(file));

        Assert.Equal("interlaced (Adam7) PNGs are not supported; re-save the image without interlacing", error.Message);
    }

    [Fact]
    public void Invalid_filter_type_names_the_row()
    {
        var file = PngBuilder.Image(PngBuilder.Header(1, 2, 8, 0), [0, 1, 5, 2]);

        var error = Assert.Throws<PngFormatException>(() => PngCodec.Decode(file));

        Assert.Equal("PNG row 1 has filter type 5; valid types are 0 to 4", error.Message);
    }

    [Fact]
    public void Palette_index_outside_the_palette_is_rejected()
    {
        var file = PngBuilder.Image(PngBuilder.Header(2, 1, 8, 3), [0, 1, 2], 1, ("PLTE", [0, 0, 0, 255, 255, 255]));

        var error = Assert.Throws<PngFormatException>(() => PngCodec.Decode(file));

        Assert.Equal("PNG pixel (1, 0) has palette index 2, outside the 2-entry palette", error.Message);
    }

    [Fact]
    public void Palette_image_without_PLTE_is_rejected()
    {
        var file = PngBuilder.Image(PngBuilder.Header(1, 1, 8, 3), [0, 0]);

        Assert.Equal("PNG is a palette image without a PLTE chunk", Assert.Throws<PngFormatException>(() => PngCodec.Decode(file)).Message);
    }

    [Theory]
    [InlineData(4, 2, "PNG bit depth 4 is invalid for colour type 2")]
    [InlineData(8, 5, "PNG colour type 5 is invalid (0, 2, 3, 4 or 6)")]
    [InlineData(16, 3, "PNG bit depth 16 is invalid for colour type 3")]
    public void Invalid_header_combinations_are_rejected(int bitDepth, int colorType, string expected)
    {
        var file = PngBuilder.Image(PngBuilder.Header(1, 1, bitDepth, colorType), [0, 0, 0, 0, 0, 0, 0]);

        Assert.Equal(expected, Assert.Throws<PngFormatException>(() => PngCodec.Decode(file)).Message);
    }

    [Fact]
    public void Unknown_critical_chunk_is_rejected()
    {
        var file = PngBuilder.Image(PngBuilder.Header(1, 1, 8, 0), [0, 0], 1, ("ABCD", [1]));

        Assert.Equal("PNG has an unknown critical chunk 'ABCD' at byte 33", Assert.Throws<PngFormatException>(() => PngCodec.Decode(file)).Message);
    }

    [Fact]
    public void First_chunk_must_be_IHDR()
    {
        var file = new PngBuilder().Chunk("IDAT", [1]).ToArray();

        Assert.Equal("PNG's first chunk is 'IDAT'; it must be IHDR", Assert.Throws<PngFormatException>(() => PngCodec.Decode(file)).Message);
    }

    [Fact]
    public void Missing_IDAT_is_rejected()
    {
        var file = new PngBuilder().Chunk("IHDR", PngBuilder.Header(1, 1, 8, 0)).Chunk("IEND", []).ToArray();

        Assert.Equal("PNG has no image data: no IDAT chunk before IEND", Assert.Throws<PngFormatException>(() => PngCodec.Decode(file)).Message);
    }

    [Fact]
    public void Oversized_images_are_refused_before_allocating()
    {
        // The header claims 100000 x 100000; no pixel data needs to exist for the refusal.
        var file = new PngBuilder().Chunk("IHDR", PngBuilder.Header(100_000, 100_000, 8, 2)).Chunk("IDAT", [0]).Chunk("IEND", []).ToArray();

        var error = Assert.Throws<PngFormatException>(() => PngCodec.Decode(file));

        Assert.Equal("PNG is 100000x100000 (10000000000 pixels); the limit is 67108864 pixels", error.Message);
    }

    [Fact]
    public void Chunk_length_beyond_two_gigabytes_is_rejected()
    {
        var file = (byte[])Valid.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(8), 0xFFFFFFF0);

        var error = Assert.Throws<PngFormatException>(() => PngCodec.Decode(file));

        Assert.Contains("more than the 2^31-1 a chunk may hold", error.Message);
    }

    [Fact]
    public void Random_garbage_after_the_signature_never_escapes_as_another_exception()
    {
        var random = new Random(11);
        for (var i = 0; i < 300; i++)
        {
            var file = (byte[])Valid.Clone();
            file[8 + random.Next(file.Length - 8)] = (byte)random.Next(256);
            try
            {
                PngCodec.Decode(file);
            }
            catch (PngFormatException)
            {
            }
        }
    }
}
