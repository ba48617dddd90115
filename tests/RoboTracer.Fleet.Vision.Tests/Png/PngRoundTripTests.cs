using System.IO.Compression;
using System.Text;
using RoboTracer.Fleet.Vision.Png;

namespace RoboTracer.Fleet.Vision.Tests.Png;

public sealed class PngRoundTripTests
{
    [Fact]
    public void Rgb8_round_trips_and_large_data_spans_several_IDAT_chunks()
    {
        var rgb = RandomBytes(300 * 200 * 3, seed: 1);

        var file = PngCodec.EncodeRgb8(rgb, 300, 200);
        var image = PngCodec.Decode(file);

        Assert.Equal((300, 200, 8, PngColorType.Rgb), (image.Width, image.Height, image.BitDepth, image.ColorType));
        Assert.Equal(rgb, image.ToRgb8());
        Assert.True(CountChunks(file, "IDAT") > 1, "random pixels do not compress into one 64 KiB chunk");
    }

    [Fact]
    public void Rgba8_round_trips()
    {
        var rgba = RandomBytes(37 * 23 * 4, seed: 2);

        var image = PngCodec.Decode(PngCodec.EncodeRgba8(rgba, 37, 23));

        Assert.Equal(PngColorType.Rgba, image.ColorType);
        Assert.Equal(rgba, image.ToRgba8());
    }

    [Fact]
    public void Gray8_round_trips()
    {
        var gray = RandomBytes(64 * 3, seed: 3);

        var image = PngCodec.Decode(PngCodec.EncodeGray8(gray, 64, 3, CompressionLevel.Fastest));

        Assert.Equal(PngColorType.Gray, image.ColorType);
        Assert.Equal(gray, image.ToGray8());
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

        var image = PngCodec.Decode(PngCodec.EncodeGray16(samples, 97, 41));

        Assert.Equal((16, PngColorType.Gray), (image.BitDepth, image.ColorType));
        Assert.Equal(samples, image.ToGray16());
    }

    [Fact]
    public void Smooth_images_round_trip_through_the_chosen_filters()
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

        var file = PngCodec.EncodeRgb8(rgb, 128, 96);

        Assert.Equal(rgb, PngCodec.Decode(file).ToRgb8());
        Assert.True(file.Length < rgb.Length / 4, $"filtered gradient should compress well; got {file.Length} bytes");
    }

    [Fact]
    public void Single_pixel_images_round_trip()
    {
        Assert.Equal([1, 2, 3], PngCodec.Decode(PngCodec.EncodeRgb8([1, 2, 3], 1, 1)).ToRgb8());
        Assert.Equal([(ushort)4321], PngCodec.Decode(PngCodec.EncodeGray16([4321], 1, 1)).ToGray16());
    }

    [Fact]
    public void Encoder_rejects_a_buffer_of_the_wrong_size()
    {
        var error = Assert.Throws<ArgumentException>(() => PngCodec.EncodeRgb8(new byte[10], 2, 2));
        Assert.Equal("8-bit RGB buffer has 10 samples; 2x2 needs 12", error.Message);

        var size = Assert.Throws<ArgumentException>(() => PngCodec.EncodeGray16([], 0, 5));
        Assert.Equal("cannot encode a 0x5 PNG: width and height must be positive", size.Message);
    }

    [Fact]
    public void Encoded_file_starts_with_the_signature_and_IHDR()
    {
        var file = PngCodec.EncodeGray8([7], 1, 1);

        Assert.Equal(PngCodec.Signature.ToArray(), file[..8]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(file, 12, 4));
        Assert.Equal("IEND", Encoding.ASCII.GetString(file, file.Length - 8, 4));
    }

    internal static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static int CountChunks(byte[] file, string type)
    {
        var count = 0;
        for (var offset = 8; offset < file.Length;)
        {
            var length = (file[offset] << 24) | (file[offset + 1] << 16) | (file[offset + 2] << 8) | file[offset + 3];
            if (Encoding.ASCII.GetString(file, offset + 4, 4) == type)
            {
                count++;
            }
            offset += 12 + length;
        }
        return count;
    }
}
