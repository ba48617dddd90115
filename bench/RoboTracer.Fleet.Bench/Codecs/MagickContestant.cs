using System.Runtime.InteropServices;
using ImageMagick;

namespace RoboTracer.Fleet.Bench.Codecs;

/// <summary>
/// Magick.NET-Q8 (ImageMagick with 8 bits per sample inside; Q16 is not served): it reads and writes 16-bit
/// PNGs, but through 8-bit samples.
/// </summary>
internal sealed class MagickContestant : CodecContestant
{
    public override string Name => "magick";

    public override IReadOnlyList<string> Files =>
    [
        typeof(MagickImage).Assembly.Location,
        typeof(IMagickImage).Assembly.Location,
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "Magick.Native-Q8-x64.dll.so"),
    ];

    public override DecodedRgb DecodeRgb(byte[] file)
    {
        using var image = new MagickImage(file);
        using var pixels = image.GetPixels();
        var rgb = pixels.ToByteArray(PixelMapping.RGB) ?? throw new InvalidOperationException("magick: no pixels");
        return new(rgb, (int)image.Width, (int)image.Height);
    }

    public override byte[] EncodeRgb(byte[] rgb, int width, int height)
    {
        using var image = new MagickImage();
        image.ReadPixels(rgb, new PixelReadSettings((uint)width, (uint)height, StorageType.Char, PixelMapping.RGB));
        image.Format = MagickFormat.Png24;
        return image.ToByteArray();
    }

    public override ushort[] DecodeGray16(byte[] png)
    {
        using var image = new MagickImage(png);
        using var pixels = image.GetPixels();
        return pixels.ToShortArray(0, 0, image.Width, image.Height, "R") ?? throw new InvalidOperationException("magick: no pixels");
    }

    public override byte[] EncodeGray16(ushort[] samples, int width, int height)
    {
        using var image = new MagickImage();
        image.ReadPixels(MemoryMarshal.AsBytes(samples.AsSpan()).ToArray(), new PixelReadSettings((uint)width, (uint)height, StorageType.Short, "R"));
        image.ColorType = ColorType.Grayscale;
        image.Depth = 16;
        image.Format = MagickFormat.Png;
        return image.ToByteArray();
    }
}
