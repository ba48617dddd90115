using System.IO.Compression;
using System.Text;

namespace RoboTracer.Fleet.Vision.Tests.Codecs;

public sealed class RoundTripTests
{
    [Fact]
    public void Rgb8_round_trips_exactly()
    {
        var rgb = RandomBytes(300 * 200 * 3, seed: 1);

        var file = ImageCodec.EncodePngRgb8(rgb, 300, 200);
        var image = RgbImage.FromPng(file);

        Assert.Equal((300, 200), (image.Width, image.Height));
        Assert.Equal(rgb, image.Pixels.ToArray());
    }

    [Fact]
    public void Rgb8_is_written_as_8_bit_RGB_without_alpha()
    {
        var file = ImageCodec.EncodePngRgb8([1, 2, 3, 4, 5, 6], 2, 1);

        Assert.Equal(Signature, file[..8]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(file, 12, 4));
        // IHDR data: width, height, then bit depth 8 and colour type 2 (RGB, PNG spec §11.2.2).
        Assert.Equal((8, 2), (file[24], file[25]));
        Assert.Equal("IEND", Encoding.ASCII.GetString(file, file.Length - 8, 4));
    }

    [Fact]
    public void Gray8_round_trips_and_is_written_as_8_bit_gray()
    {
        var gray = RandomBytes(64 * 3, seed: 3);

        var file = ImageCodec.EncodePngGray8(gray, 64, 3, CompressionLevel.Fastest);

        Assert.Equal((8, 0), (file[24], file[25]));
        Assert.Equal(gray.SelectMany(g => new[] { g, g, g }), RgbImage.FromPng(file).Pixels.ToArray());
    }

    [Fact]
    public void Gray16_round_trips_every_value_exactly()
    {
        var random = new Random(4);
        var samples = new ushort[97 * 41];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (ushort)random.Next(65536);
        }
        samples[0] = 0;
        samples[1] = 65535;

        var file = ImageCodec.EncodePngGray16(samples, 97, 41);
        var back = ImageCodec.DecodePngGray16(file, out var width, out var height);

        Assert.Equal((16, 0), (file[24], file[25]));
        Assert.Equal((97, 41), (width, height));
        Assert.Equal(samples, back);
    }

    [Fact]
    public void Gray16_is_stored_big_endian()
    {
        var file = ImageCodec.EncodePngGray16([0x1234, 0xABCD], 2, 1, CompressionLevel.NoCompression);

        // Stored deflate blocks keep the scanline as is: filter byte, then the samples, most significant byte first (§7.1).
        var scanline = file.AsSpan().IndexOf([(byte)0x12, (byte)0x34, (byte)0xAB, (byte)0xCD]);
        Assert.True(scanline > 0, "the samples are not stored big-endian");
    }

    [Fact]
    public void Smooth_images_round_trip_and_compress()
    {
        // Gradients make Sub, Up, Average and Paeth win on different rows.
        var rgb = new byte[128 * 96 * 3];
        for (var y = 0; y < 96; y++)
        {
            for (var x = 0; x < 128; x++)
            {
                var i = ((y * 128) + x) * 3;
                (rgb[i], rgb[i + 1], rgb[i + 2]) = ((byte)(x * 2), (byte)(y * 2), (byte)((x + y) % 7 == 0 ? 255 : x ^ y));
            }
        }

        var file = ImageCodec.EncodePngRgb8(rgb, 128, 96);

        Assert.Equal(rgb, RgbImage.FromPng(file).Pixels.ToArray());
        Assert.True(file.Length < rgb.Length / 4, $"filtered gradient should compress well; got {file.Length} bytes");
    }

    [Fact]
    public void Single_pixel_images_round_trip()
    {
        Assert.Equal([1, 2, 3], RgbImage.FromPng(ImageCodec.EncodePngRgb8([1, 2, 3], 1, 1)).Pixels.ToArray());
        Assert.Equal([(ushort)4321], ImageCodec.DecodePngGray16(ImageCodec.EncodePngGray16([4321], 1, 1), out _, out _));
    }

    [Fact]
    public void Encoder_rejects_a_buffer_of_the_wrong_size()
    {
        var error = Assert.Throws<ArgumentException>(() => ImageCodec.EncodePngRgb8(new byte[10], 2, 2));
        Assert.Equal("RGB buffer has 10 samples; 2x2 needs 12", error.Message);

        var size = Assert.Throws<ArgumentException>(() => ImageCodec.EncodePngGray16([], 0, 5));
        Assert.Equal("cannot encode a 0x5 PNG: width and height must be positive", size.Message);

        Assert.Throws<ArgumentException>(() => ImageCodec.EncodePngGray8(new byte[3], 2, 2));
        Assert.Throws<ArgumentException>(() => ImageCodec.EncodeJpegRgb8(new byte[3], 0, 1));
    }

    internal static byte[] Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    internal static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
