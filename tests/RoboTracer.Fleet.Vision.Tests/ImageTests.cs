using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Vision.Tests.Codecs;

namespace RoboTracer.Fleet.Vision.Tests;

public sealed class ImageTests
{
    [Fact]
    public void Rgb_image_round_trips_through_png()
    {
        var rgb = RoundTripTests.RandomBytes(20 * 10 * 3, seed: 9);
        var image = new RgbImage(20, 10, rgb);

        var back = RgbImage.FromPng(image.ToPng());

        Assert.Equal(rgb, back.Pixels.ToArray());
        Assert.Equal(new Rgb8(rgb[63], rgb[64], rgb[65]), back[1, 1]);
    }

    [Fact]
    public void Rgb_image_reads_gray_and_palette_pngs_as_colour()
    {
        var gray = RgbImage.FromPng(ImageCodec.EncodePngGray8([0, 200], 2, 1));

        Assert.Equal([0, 0, 0, 200, 200, 200], gray.Pixels.ToArray());
    }

    [Fact]
    public void Rgb_image_checks_its_buffer()
    {
        var error = Assert.Throws<ArgumentException>(() => new RgbImage(2, 2, new byte[11]));

        Assert.Equal("RGB buffer has 11 bytes; 2x2 needs 12", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RgbImage(1, 1, new byte[3])[1, 0]);
    }

    [Fact]
    public void Mask_reads_the_bench_convention_and_round_trips()
    {
        var mask = MaskImage.FromPng(ImageCodec.EncodePngGray8([0, 255, 127, 128], 2, 2));

        Assert.Equal([false, true, false, true], mask.Pixels.ToArray());
        Assert.Equal(2, mask.Count);
        Assert.Equal(mask.Pixels.ToArray(), MaskImage.FromPng(mask.ToPng()).Pixels.ToArray());
    }

    [Fact]
    public void Mask_from_a_colour_png_uses_the_brightest_channel()
    {
        var mask = MaskImage.FromPng(ImageCodec.EncodePngRgb8([255, 0, 0, 10, 10, 10, 0, 0, 200], 3, 1));

        Assert.Equal([true, false, true], mask.Pixels.ToArray());
    }

    [Fact]
    public void Mask_contains_points_by_nearest_pixel_and_has_a_centroid()
    {
        var pixels = new bool[4 * 3];
        pixels[(1 * 4) + 2] = true;
        pixels[(2 * 4) + 2] = true;
        var mask = new MaskImage(4, 3, pixels);

        Assert.True(mask.Contains(new Point2D(2.3, 0.7)));
        Assert.False(mask.Contains(new Point2D(2.6, 0.7)));
        Assert.False(mask.Contains(new Point2D(2, 3)), "off the image");
        Assert.True(mask.TryGetCentroid(out var centroid));
        Assert.Equal(new Point2D(2, 1.5), centroid);
        Assert.False(new MaskImage(2, 2, new bool[4]).TryGetCentroid(out _));
    }
}
