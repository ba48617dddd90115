namespace RoboTracer.Fleet.Vision.Tests.Codecs;

/// <summary>PNGs built chunk by chunk (<see cref="PngBuilder"/>), decoded through the public image types.</summary>
public sealed class PngDecodeTests
{
    // A 3x2 RGB image. Row 1 is stored with each filter in turn; its filtered bytes below were worked out by hand
    // from the PNG spec's definitions (§9.2), with row 0 as the prior row.
    private static readonly byte[] Row0 = [10, 20, 30, 40, 50, 60, 70, 80, 90];
    private static readonly byte[] Row1 = [15, 25, 35, 45, 55, 65, 200, 210, 220];

    public static TheoryData<byte, byte[]> FilteredRow1 => new()
    {
        { 0, [15, 25, 35, 45, 55, 65, 200, 210, 220] },
        { 1, [15, 25, 35, 30, 30, 30, 155, 155, 155] },
        { 2, [5, 5, 5, 5, 5, 5, 130, 130, 130] },
        { 3, [10, 15, 20, 18, 18, 18, 143, 143, 143] },
        { 4, [5, 5, 5, 5, 5, 5, 130, 130, 130] },
    };

    [Theory]
    [MemberData(nameof(FilteredRow1))]
    public void Decodes_each_filter_type_from_a_hand_built_file(byte filter, byte[] filtered)
    {
        byte[] scanlines = [0, .. Row0, filter, .. filtered];
        var file = PngBuilder.Image(PngBuilder.Header(3, 2, 8, 2), scanlines);

        var image = RgbImage.FromPng(file);

        Assert.Equal((3, 2), (image.Width, image.Height));
        Assert.Equal([.. Row0, .. Row1], image.Pixels.ToArray());
    }

    // The same for a 3x2 16-bit gray depth image (2 bytes per pixel), which our own decoder reads.
    private static readonly byte[] DepthRow0 = [10, 20, 30, 40, 50, 60];
    private static readonly byte[] DepthRow1 = [15, 25, 35, 45, 200, 210];

    public static TheoryData<byte, byte[]> FilteredDepthRow1 => new()
    {
        { 0, [15, 25, 35, 45, 200, 210] },
        { 1, [15, 25, 20, 20, 165, 165] },
        { 2, [5, 5, 5, 5, 150, 150] },
        { 3, [10, 15, 13, 13, 158, 158] },
        { 4, [5, 5, 5, 5, 150, 150] },
    };

    [Theory]
    [MemberData(nameof(FilteredDepthRow1))]
    public void Depth_decodes_each_filter_type_from_a_hand_built_file(byte filter, byte[] filtered)
    {
        byte[] scanlines = [0, .. DepthRow0, filter, .. filtered];
        var file = PngBuilder.Image(PngBuilder.Header(3, 2, 16, 0), scanlines);

        var samples = ImageCodec.DecodePngGray16(file, out var width, out var height);

        Assert.Equal((3, 2), (width, height));
        Assert.Equal(Samples([.. DepthRow0, .. DepthRow1]), samples);
    }

    [Fact]
    public void First_row_filters_see_a_zero_prior_row()
    {
        // Row 0 with Paeth: with nothing above, Paeth predicts the left byte, so these are Sub-like differences.
        byte[] scanlines = [4, 10, 20, 30, 30, 30, 30, 30, 30, 30];
        var file = PngBuilder.Image(PngBuilder.Header(3, 1, 8, 2), scanlines);

        Assert.Equal(Row0, RgbImage.FromPng(file).Pixels.ToArray());
    }

    [Fact]
    public void Decodes_image_data_split_across_several_IDAT_chunks()
    {
        byte[] scanlines = [0, .. Row0, 2, 5, 5, 5, 5, 5, 5, 130, 130, 130];
        var file = PngBuilder.Image(PngBuilder.Header(3, 2, 8, 2), scanlines, idatParts: 4);

        Assert.Equal([.. Row0, .. Row1], RgbImage.FromPng(file).Pixels.ToArray());
    }

    [Fact]
    public void Decodes_a_two_bit_palette_image_with_transparency_as_its_colours()
    {
        byte[] palette = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255];
        // Indices 0 1 2 3 and 3 2 1 0, packed four to a byte from the high bits; index 0 fully transparent.
        byte[] scanlines = [0, 0b00_01_10_11, 0, 0b11_10_01_00];
        var file = PngBuilder.Image(PngBuilder.Header(4, 2, 2, 3), scanlines, 1, ("PLTE", palette), ("tRNS", [0, 128]));

        var image = RgbImage.FromPng(file);

        Assert.Equal([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 0, 0, 255, 0, 255, 0, 255, 0, 0], image.Pixels.ToArray());
    }

    [Fact]
    public void Gray16_keeps_exact_samples_and_reduces_to_8_bits_for_rgb()
    {
        ushort[] samples = [0, 128, 32896, 65535];
        byte[] scanlines = [0, 0, 0, 0, 128, 0x80, 0x80, 0xFF, 0xFF];
        var file = PngBuilder.Image(PngBuilder.Header(4, 1, 16, 0), scanlines);

        Assert.Equal(samples, ImageCodec.DecodePngGray16(file, out _, out _));
        Assert.Equal([0, 0, 0, 0, 0, 0, 128, 128, 128, 255, 255, 255], RgbImage.FromPng(file).Pixels.ToArray());
    }

    [Fact]
    public void Gray_alpha_and_rgba_drop_alpha_and_keep_the_stored_colour()
    {
        // Colours under partial alpha stay as stored (not premultiplied).
        byte[] scanlines = [0, 100, 7, 200, 255];
        var grayAlpha = RgbImage.FromPng(PngBuilder.Image(PngBuilder.Header(2, 1, 8, 4), scanlines));

        Assert.Equal([100, 100, 100, 200, 200, 200], grayAlpha.Pixels.ToArray());

        var rgba = RgbImage.FromPng(PngBuilder.Image(PngBuilder.Header(1, 1, 8, 6), [0, 255, 0, 0, 9]));
        Assert.Equal([255, 0, 0], rgba.Pixels.ToArray());
    }

    [Fact]
    public void Gray_transparency_key_does_not_change_the_colour()
    {
        var file = PngBuilder.Image(PngBuilder.Header(2, 1, 8, 0), [0, 5, 6], 1, ("tRNS", [0, 5]));

        Assert.Equal([5, 5, 5, 6, 6, 6], RgbImage.FromPng(file).Pixels.ToArray());
    }

    [Fact]
    public void Decodes_an_interlaced_rgb_image()
    {
        // Adam7 with a 2x2 image: pass 1 holds (0,0), pass 6 holds (1,0), pass 7 holds row 1 (PNG spec §8.2).
        byte[] scanlines = [0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 10, 11, 12];
        var file = PngBuilder.Image(PngBuilder.Header(2, 2, 8, 2, interlace: 1), scanlines);

        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], RgbImage.FromPng(file).Pixels.ToArray());
    }

    [Fact]
    public void Skips_unknown_ancillary_chunks()
    {
        var file = PngBuilder.Image(PngBuilder.Header(1, 1, 8, 0), [0, 42], 1, ("tEXt", "Title\0x"u8.ToArray()), ("zzZz", [1, 2, 3]));

        Assert.Equal([42, 42, 42], RgbImage.FromPng(file).Pixels.ToArray());
        var depth = PngBuilder.Image(PngBuilder.Header(1, 1, 16, 0), [0, 1, 2], 1, ("tEXt", "Title\0x"u8.ToArray()), ("zzZz", [1, 2, 3]));
        Assert.Equal([(ushort)0x0102], ImageCodec.DecodePngGray16(depth, out _, out _));
    }

    private static ushort[] Samples(byte[] bigEndian) =>
        [.. Enumerable.Range(0, bigEndian.Length / 2).Select(i => (ushort)((bigEndian[2 * i] << 8) | bigEndian[(2 * i) + 1]))];
}
