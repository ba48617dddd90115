using RoboTracer.Fleet.Vision.Png;

namespace RoboTracer.Fleet.Vision.Tests.Png;

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

        var image = PngCodec.Decode(file);

        Assert.Equal((3, 2, 8, PngColorType.Rgb), (image.Width, image.Height, image.BitDepth, image.ColorType));
        Assert.Equal([.. Row0, .. Row1], image.ToRgb8());
    }

    [Fact]
    public void First_row_filters_see_a_zero_prior_row()
    {
        // Row 0 with Paeth: with nothing above, Paeth predicts the left byte, so these are Sub-like differences.
        byte[] scanlines = [4, 10, 20, 30, 30, 30, 30, 30, 30, 30];
        var file = PngBuilder.Image(PngBuilder.Header(3, 1, 8, 2), scanlines);

        Assert.Equal(Row0, PngCodec.Decode(file).ToRgb8());
    }

    [Fact]
    public void Decodes_image_data_split_across_several_IDAT_chunks()
    {
        byte[] scanlines = [0, .. Row0, 2, 5, 5, 5, 5, 5, 5, 130, 130, 130];
        var file = PngBuilder.Image(PngBuilder.Header(3, 2, 8, 2), scanlines, idatParts: 4);

        Assert.Equal([.. Row0, .. Row1], PngCodec.Decode(file).ToRgb8());
    }

    [Fact]
    public void Decodes_a_two_bit_palette_image_with_transparency()
    {
        byte[] palette = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255];
        // Indices 0 1 2 3 and 3 2 1 0, packed four to a byte from the high bits.
        byte[] scanlines = [0, 0b00_01_10_11, 0, 0b11_10_01_00];
        var file = PngBuilder.Image(PngBuilder.Header(4, 2, 2, 3), scanlines, 1, ("PLTE", palette), ("tRNS", [0, 128]));

        var image = PngCodec.Decode(file);

        Assert.Equal(PngColorType.Palette, image.ColorType);
        Assert.True(image.HasAlpha);
        Assert.Equal([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 0, 0, 255, 0, 255, 0, 255, 0, 0], image.ToRgb8());
        var rgba = image.ToRgba8();
        Assert.Equal([0, 128, 255, 255, 255, 255, 128, 0], Enumerable.Range(0, 8).Select(i => rgba[(4 * i) + 3]));
    }

    [Fact]
    public void Gray16_keeps_exact_samples_and_rounds_to_8_bits()
    {
        ushort[] samples = [0, 128, 32896, 65535];
        byte[] scanlines = [0, 0, 0, 0, 128, 0x80, 0x80, 0xFF, 0xFF];
        var image = PngCodec.Decode(PngBuilder.Image(PngBuilder.Header(4, 1, 16, 0), scanlines));

        Assert.Equal(samples, image.ToGray16());
        Assert.Equal([0, 0, 128, 255], image.ToGray8());
    }

    [Fact]
    public void Gray_alpha_and_rgba_convert_between_layouts()
    {
        byte[] scanlines = [0, 100, 7, 200, 255];
        var grayAlpha = PngCodec.Decode(PngBuilder.Image(PngBuilder.Header(2, 1, 8, 4), scanlines));

        Assert.Equal([100, 100, 100, 7, 200, 200, 200, 255], grayAlpha.ToRgba8());
        Assert.Equal([100, 200], grayAlpha.ToGray8());
        Assert.Equal([100 * 257, 200 * 257], grayAlpha.ToGray16().Select(s => (int)s));

        var rgba = PngCodec.Decode(PngBuilder.Image(PngBuilder.Header(1, 1, 8, 6), [0, 255, 0, 0, 9]));
        Assert.Equal([255, 0, 0], rgba.ToRgb8());
        Assert.Equal([76], rgba.ToGray8());
        Assert.Throws<InvalidOperationException>(() => rgba.ToGray16());
    }

    [Fact]
    public void Gray_transparency_key_makes_one_value_transparent()
    {
        var file = PngBuilder.Image(PngBuilder.Header(2, 1, 8, 0), [0, 5, 6], 1, ("tRNS", [0, 5]));

        var rgba = PngCodec.Decode(file).ToRgba8();

        Assert.Equal([5, 5, 5, 0, 6, 6, 6, 255], rgba);
    }

    [Fact]
    public void Skips_unknown_ancillary_chunks()
    {
        var file = PngBuilder.Image(PngBuilder.Header(1, 1, 8, 0), [0, 42], 1, ("tEXt", "Title\0x"u8.ToArray()), ("zzZz", [1, 2, 3]));

        Assert.Equal([42], PngCodec.Decode(file).ToGray8());
    }
}
