using System.Buffers.Binary;

namespace RoboTracer.Fleet.Vision.Tests.Codecs;

/// <summary>
/// Bad bytes give an <see cref="ImageFormatException"/> (a <see cref="FormatException"/>, which callers catch) with
/// a message that says what is wrong, and nothing else escapes. Depth PNGs go through our own decoder, whose
/// messages are exact; RGB goes through SkiaSharp, whose refusals are checked for type and gist.
/// </summary>
public sealed class CorruptInputTests
{
    private static readonly byte[] ValidRgb = PngBuilder.Image(PngBuilder.Header(3, 2, 8, 2), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    private static readonly byte[] ValidDepth = PngBuilder.Image(PngBuilder.Header(3, 2, 16, 0), [0, 1, 2, 3, 4, 5, 6, 1, 1, 2, 3, 4, 5, 6]);

    [Fact]
    public void The_fixtures_themselves_decode()
    {
        Assert.Equal(3, RgbImage.FromPng(ValidRgb).Width);
        Assert.Equal(3, DepthImage.FromPng(ValidDepth).Width);
    }

    [Fact]
    public void Wrong_signature_is_not_an_image()
    {
        Assert.Equal("image bytes are neither PNG nor JPEG", Assert.Throws<ImageFormatException>(() => RgbImage.Decode("GIF89a\x01\x00\x01\x00"u8)).Message);
        Assert.Equal("not a PNG: the file does not start with the PNG signature",
            Assert.Throws<ImageFormatException>(() => DepthImage.FromPng("GIF89a\x01\x00\x01\x00"u8)).Message);
        Assert.Equal("image bytes are empty", Assert.Throws<ImageFormatException>(() => RgbImage.Decode([])).Message);
    }

    [Fact]
    public void Every_truncation_is_refused()
    {
        // SkiaSharp (libpng) stops reading once it has every pixel: a file cut after the last compressed pixel byte
        // (in the zlib Adler-32, the IDAT CRC or IEND: the last 4 + 4 + 12 bytes here) still decodes to the whole,
        // intact image, as libpng-based viewers show it. Cut anywhere earlier, it is refused.
        var pixelsEnd = ValidRgb.Length - 20;
        for (var length = 0; length < pixelsEnd; length++)
        {
            Assert.Throws<ImageFormatException>(() => RgbImage.FromPng(ValidRgb.AsSpan(0, length)));
        }
        for (var length = pixelsEnd; length < ValidRgb.Length; length++)
        {
            Assert.Equal(RgbImage.FromPng(ValidRgb).Pixels.ToArray(), RgbImage.FromPng(ValidRgb.AsSpan(0, length)).Pixels.ToArray());
        }
        for (var length = 0; length < ValidDepth.Length; length++)
        {
            var error = Assert.Throws<ImageFormatException>(() => DepthImage.FromPng(ValidDepth.AsSpan(0, length)));
            Assert.Contains("truncated", error.Message);
        }
    }

    [Fact]
    public void Truncation_inside_a_chunk_names_it()
    {
        var error = Assert.Throws<ImageFormatException>(() => DepthImage.FromPng(ValidDepth.AsSpan(0, 8 + 12 + 13 + 20)));

        Assert.StartsWith("PNG is truncated: chunk 'IDAT' at byte 33 declares", error.Message);
    }

    [Fact]
    public void Corrupt_byte_fails_the_chunk_CRC()
    {
        var rgb = (byte[])ValidRgb.Clone();
        rgb[8 + 12 + 13 + 8 + 2] ^= 0x40; // inside the IDAT data
        var depth = (byte[])ValidDepth.Clone();
        depth[8 + 12 + 13 + 8 + 2] ^= 0x40;

        Assert.Throws<ImageFormatException>(() => RgbImage.FromPng(rgb));
        Assert.StartsWith("PNG chunk 'IDAT' at byte 33 has a bad CRC: stored 0x", Assert.Throws<ImageFormatException>(() => DepthImage.FromPng(depth)).Message);
    }

    [Fact]
    public void Bad_header_CRC_is_refused()
    {
        var rgb = (byte[])ValidRgb.Clone();
        rgb[8 + 8 + 13] ^= 0x01; // the IHDR CRC: the data is intact, only a reader that checks CRCs notices

        Assert.Throws<ImageFormatException>(() => RgbImage.FromPng(rgb));
    }

    [Fact]
    public void Corrupt_deflate_data_with_a_valid_CRC_is_reported()
    {
        var rgb = new PngBuilder().Chunk("IHDR", PngBuilder.Header(2, 2, 8, 0)).Chunk("IDAT", [0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF, 0x00]).Chunk("IEND", []).ToArray();
        var depth = new PngBuilder().Chunk("IHDR", PngBuilder.Header(2, 2, 16, 0)).Chunk("IDAT", [0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF, 0x00]).Chunk("IEND", []).ToArray();
        Assert.Throws<ImageFormatException>(() => RgbImage.FromPng(rgb));
        Assert.StartsWith("PNG image data is corrupt", Assert.Throws<ImageFormatException>(() => DepthImage.FromPng(depth)).Message);
    }

    [Fact]
    public void Wrong_Adler32_at_the_end_of_the_depth_data_is_reported()
    {
        var compressed = PngBuilder.Deflate([0, 1, 2, 3, 4, 0, 5, 6, 7, 8]);
        compressed[^1] ^= 0xFF;
        var file = new PngBuilder()
            .Chunk("IHDR", PngBuilder.Header(2, 2, 16, 0))
            .Chunk("IDAT", compressed)
            .Chunk("IEND", [])
            .ToArray();

        var error = Assert.Throws<ImageFormatException>(() => DepthImage.FromPng(file));

        Assert.StartsWith("PNG image data is corrupt", error.Message);
    }

    [Fact]
    public void Too_little_image_data_is_truncated()
    {
        Assert.Throws<ImageFormatException>(() => RgbImage.FromPng(PngBuilder.Image(PngBuilder.Header(2, 2, 8, 0), [0, 1, 2])));
        var error = Assert.Throws<ImageFormatException>(() => DepthImage.FromPng(PngBuilder.Image(PngBuilder.Header(2, 2, 16, 0), [0, 1, 2])));

        Assert.Equal("PNG image data is truncated: it inflates to 3 bytes, the header needs 10", error.Message);
    }

    [Fact]
    public void Extra_data_after_the_depth_image_is_tolerated()
    {
        // 1x1 16-bit gray needs 3 bytes; 5 MB of zeros follow in the same zlib stream.
        var file = PngBuilder.Image(PngBuilder.Header(1, 1, 16, 0), [0, 0x03, 0xE8, .. new byte[5_000_000]]);

        Assert.Equal(1f, DepthImage.FromPng(file)[0, 0]);
    }

    [Fact]
    public void Interlaced_depth_is_refused_clearly()
    {
        var file = PngBuilder.Image(PngBuilder.Header(1, 1, 16, 0, interlace: 1), [0, 0, 0]);

        var error = Assert.Throws<ImageFormatException>(() => DepthImage.FromPng(file));

        Assert.Equal("interlaced (Adam7) depth PNGs are not supported; re-save the depth without interlacing", error.Message);
    }

    [Fact]
    public void Invalid_filter_type_is_refused()
    {
        Assert.Throws<ImageFormatException>(() => RgbImage.FromPng(PngBuilder.Image(PngBuilder.Header(1, 2, 8, 0), [0, 1, 5, 2])));
        var error = Assert.Throws<ImageFormatException>(() => DepthImage.FromPng(PngBuilder.Image(PngBuilder.Header(1, 2, 16, 0), [0, 1, 1, 5, 2, 2])));

        Assert.Equal("PNG row 1 has filter type 5; valid types are 0 to 4", error.Message);
    }

    [Fact]
    public void Palette_image_without_PLTE_is_refused()
    {
        Assert.Throws<ImageFormatException>(() => RgbImage.FromPng(PngBuilder.Image(PngBuilder.Header(1, 1, 8, 3), [0, 0])));
    }

    [Theory]
    [InlineData(4, 2)]
    [InlineData(8, 5)]
    [InlineData(16, 3)]
    public void Invalid_header_combinations_are_refused(int bitDepth, int colorType)
    {
        var file = PngBuilder.Image(PngBuilder.Header(1, 1, bitDepth, colorType), [0, 0, 0, 0, 0, 0, 0]);

        Assert.Throws<ImageFormatException>(() => RgbImage.FromPng(file));
        Assert.Throws<ImageFormatException>(() => DepthImage.FromPng(file));
    }

    [Fact]
    public void Unknown_critical_chunk_is_refused_in_depth()
    {
        // Ours follows PNG spec §5.4 to the letter; SkiaSharp skips such a chunk and decodes the image.
        var depth = PngBuilder.Image(PngBuilder.Header(1, 1, 16, 0), [0, 0, 0], 1, ("ABCD", [1]));

        Assert.Equal("PNG has an unknown critical chunk 'ABCD' at byte 33", Assert.Throws<ImageFormatException>(() => DepthImage.FromPng(depth)).Message);
    }

    [Fact]
    public void First_chunk_must_be_IHDR()
    {
        var file = new PngBuilder().Chunk("IDAT", new byte[13]).ToArray();

        Assert.Equal("PNG does not start with a valid header (IHDR) chunk", Assert.Throws<ImageFormatException>(() => RgbImage.FromPng(file)).Message);
        Assert.Equal("PNG's first chunk is 'IDAT'; it must be IHDR", Assert.Throws<ImageFormatException>(() => DepthImage.FromPng(file)).Message);
    }

    [Fact]
    public void Missing_IDAT_is_refused()
    {
        Assert.Throws<ImageFormatException>(() => RgbImage.FromPng(new PngBuilder().Chunk("IHDR", PngBuilder.Header(1, 1, 8, 0)).Chunk("IEND", []).ToArray()));
        var depth = new PngBuilder().Chunk("IHDR", PngBuilder.Header(1, 1, 16, 0)).Chunk("IEND", []).ToArray();

        Assert.Equal("PNG has no image data: no IDAT chunk before IEND", Assert.Throws<ImageFormatException>(() => DepthImage.FromPng(depth)).Message);
    }

    [Fact]
    public void Oversized_images_are_refused_before_allocating()
    {
        // The header claims 100000 x 100000; no pixel data needs to exist for the refusal.
        var rgb = new PngBuilder().Chunk("IHDR", PngBuilder.Header(100_000, 100_000, 8, 2)).Chunk("IDAT", [0]).Chunk("IEND", []).ToArray();
        var depth = new PngBuilder().Chunk("IHDR", PngBuilder.Header(100_000, 100_000, 16, 0)).Chunk("IDAT", [0]).Chunk("IEND", []).ToArray();

        Assert.Equal("PNG is 100000x100000 (10000000000 pixels); the limit is 67108864 pixels", Assert.Throws<ImageFormatException>(() => RgbImage.FromPng(rgb)).Message);
        Assert.Equal("PNG is 100000x100000 (10000000000 pixels); the limit is 67108864 pixels", Assert.Throws<ImageFormatException>(() => DepthImage.FromPng(depth)).Message);
    }

    [Fact]
    public void Chunk_length_beyond_two_gigabytes_is_refused()
    {
        var rgb = (byte[])ValidRgb.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(rgb.AsSpan(8 + 12 + 13 + 4), 0xFFFFFFF0); // the IDAT length
        var depth = (byte[])ValidDepth.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(depth.AsSpan(8), 0xFFFFFFF0);

        Assert.Throws<ImageFormatException>(() => RgbImage.FromPng(rgb));
        Assert.Contains("more than the 2^31-1 a chunk may hold", Assert.Throws<ImageFormatException>(() => DepthImage.FromPng(depth)).Message);
    }

    [Fact]
    public void Random_corruption_never_escapes_as_another_exception()
    {
        var random = new Random(11);
        for (var i = 0; i < 300; i++)
        {
            foreach (var valid in new[] { ValidRgb, ValidDepth })
            {
                var file = (byte[])valid.Clone();
                file[8 + random.Next(file.Length - 8)] = (byte)random.Next(256);
                foreach (var decode in new Action[] { () => RgbImage.Decode(file), () => DepthImage.FromPng(file) })
                {
                    try
                    {
                        decode();
                    }
                    catch (ImageFormatException)
                    {
                    }
                }
            }
        }
    }
}
