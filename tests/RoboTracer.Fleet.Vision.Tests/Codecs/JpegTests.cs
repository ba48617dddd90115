namespace RoboTracer.Fleet.Vision.Tests.Codecs;

/// <summary>Robots may send JPEG colour images; depth must stay lossless, so a JPEG depth image is refused.</summary>
public sealed class JpegTests
{
    private const int Width = 64;
    private const int Height = 48;

    [Fact]
    public void Rgb_image_decodes_a_jpeg_close_to_the_original()
    {
        var original = Gradient();

        var jpeg = original.ToJpeg(quality: 95);
        var decoded = RgbImage.Decode(jpeg);

        Assert.Equal(new ImageInfo(ImageKind.Jpeg, Width, Height), ImageFormat.Sniff(jpeg));
        Assert.Equal((Width, Height), (decoded.Width, decoded.Height));
        var error = original.Pixels.ToArray().Zip(decoded.Pixels.ToArray(), (a, b) => Math.Abs(a - b)).Average();
        Assert.True(error < 3, $"a quality-95 JPEG of a smooth image decodes within a few levels; mean error {error:0.00}");
        Assert.True(decoded[10, 10].R > 2 * decoded[10, 10].B, "red stays red");
    }

    [Fact]
    public void Rgb_image_decodes_a_png_too()
    {
        var original = Gradient();

        Assert.Equal(original.Pixels.ToArray(), RgbImage.Decode(original.ToPng()).Pixels.ToArray());
    }

    [Fact]
    public void Jpeg_depth_is_refused_as_lossy()
    {
        var jpeg = Gradient().ToJpeg();

        var error = Assert.Throws<ImageFormatException>(() => DepthImage.FromPng(jpeg));

        Assert.StartsWith("depth must be lossless: send a 16-bit grayscale PNG in millimetres", error.Message);
        Assert.Contains("this is a JPEG", error.Message);
    }

    [Fact]
    public void Png_only_readers_refuse_a_jpeg()
    {
        var jpeg = Gradient().ToJpeg();

        Assert.Equal("not a PNG: the bytes are image/jpeg", Assert.Throws<ImageFormatException>(() => RgbImage.FromPng(jpeg)).Message);
        Assert.Equal("not a PNG: the bytes are image/jpeg", Assert.Throws<ImageFormatException>(() => MaskImage.FromPng(jpeg)).Message);
    }

    [Fact]
    public void Truncated_or_corrupt_jpeg_is_refused()
    {
        var jpeg = Gradient().ToJpeg();

        Assert.Throws<ImageFormatException>(() => RgbImage.Decode(jpeg.AsSpan(0, jpeg.Length / 2)));
        Assert.Throws<ImageFormatException>(() => RgbImage.Decode(jpeg.AsSpan(0, 20)));
        var random = new Random(3);
        for (var i = 0; i < 100; i++)
        {
            var corrupt = (byte[])jpeg.Clone();
            corrupt[2 + random.Next(corrupt.Length - 2)] = (byte)random.Next(256);
            try
            {
                RgbImage.Decode(corrupt);
            }
            catch (ImageFormatException)
            {
            }
        }
    }

    [Fact]
    public void Jpeg_quality_must_be_1_to_100()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gradient().ToJpeg(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gradient().ToJpeg(101));
    }

    private static RgbImage Gradient()
    {
        var rgb = new byte[Width * Height * 3];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var i = ((y * Width) + x) * 3;
                (rgb[i], rgb[i + 1], rgb[i + 2]) = ((byte)(200 + (x / 2)), (byte)(y * 2), (byte)(x + y));
            }
        }
        return new RgbImage(Width, Height, rgb);
    }
}
