using System.IO.Compression;
using RoboTracer.Fleet.Vision;
using SkiaSharp;

namespace RoboTracer.Fleet.Bench.Codecs;

/// <summary>
/// SkiaSharp with its Linux native library (libpng, libjpeg-turbo and zlib inside). Skia has no 24-bit colour
/// type, so RGB goes through RGBA/RGBX; its PNG decoder hands out 16-bit gray only as 8-bit gray or half floats, and its
/// PNG encoder writes 16 bits only for RGBA.
/// </summary>
internal sealed class SkiaContestant : CodecContestant
{
    public override string Name => "skia";

    public override IReadOnlyList<string> Files =>
        [typeof(SKCodec).Assembly.Location, Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libSkiaSharp.so")];

    public override DecodedRgb DecodeRgb(byte[] file)
    {
        using var codec = SKCodec.Create(new SKMemoryStream(file)) ?? throw new InvalidOperationException("skia: not an image it knows");
        // Skia decodes to RGBA (not to RGBX): alpha is dropped below.
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgbx = new byte[info.BytesSize];
        var result = codec.GetPixels(info, rgbx);
        if (result != SKCodecResult.Success)
        {
            throw new InvalidOperationException($"skia: {result}");
        }
        var rgb = new byte[info.Width * info.Height * 3];
        for (int i = 0, o = 0; o < rgb.Length; i += 4, o += 3)
        {
            rgb[o] = rgbx[i];
            rgb[o + 1] = rgbx[i + 1];
            rgb[o + 2] = rgbx[i + 2];
        }
        return new(rgb, info.Width, info.Height);
    }

    // The fleet's RGB encoding is SkiaSharp's (ImageCodec): RGB padded to RGBX, zlib level 6 or 1.
    public override byte[] EncodeRgb(byte[] rgb, int width, int height) => ImageCodec.EncodePngRgb8(rgb, width, height);

    public override byte[] EncodeRgbFast(byte[] rgb, int width, int height) => ImageCodec.EncodePngRgb8(rgb, width, height, CompressionLevel.Fastest);

    /// <summary>The most Skia gives for 16-bit gray: half floats (11 significant bits), scaled back to 0–65535.</summary>
    public override ushort[] DecodeGray16(byte[] png)
    {
        using var codec = SKCodec.Create(new SKMemoryStream(png)) ?? throw new InvalidOperationException("skia: not an image it knows");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.RgbaF16, SKAlphaType.Unpremul);
        var halves = new byte[info.BytesSize];
        var result = codec.GetPixels(info, halves);
        if (result != SKCodecResult.Success)
        {
            throw new InvalidOperationException($"skia: {result}");
        }
        var samples = new ushort[info.Width * info.Height];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (ushort)Math.Round(Math.Clamp((float)BitConverter.ToHalf(halves, i * 8), 0, 1) * 65535);
        }
        return samples;
    }

    public override byte[] EncodeGray16(ushort[] samples, int width, int height)
    {
        // Skia encodes Alpha16 and R16Unorm to nothing; its only 16-bit PNG is RGBA.
        var info = new SKImageInfo(width, height, SKColorType.R16Unorm, SKAlphaType.Opaque);
        var bytes = new byte[info.BytesSize];
        Buffer.BlockCopy(samples, 0, bytes, 0, bytes.Length);
        return Encode(info, bytes);
    }

    /// <summary>A JPEG of the RGB triples, for the JPEG reading check (libjpeg-turbo inside Skia).</summary>
    public static byte[] EncodeJpeg(byte[] rgb, int width, int height, int quality) => ImageCodec.EncodeJpegRgb8(rgb, width, height, quality);

    private static unsafe byte[] Encode(SKImageInfo info, byte[] pixels)
    {
        fixed (byte* p = pixels)
        {
            using var pixmap = new SKPixmap(info, (IntPtr)p);
            using var data = pixmap.Encode(SKPngEncoderOptions.Default)
                ?? throw new NotSupportedException($"skia cannot encode {info.ColorType} as PNG");
            return data.ToArray();
        }
    }

}
