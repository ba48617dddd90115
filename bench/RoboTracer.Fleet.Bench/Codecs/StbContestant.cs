using System.Runtime.InteropServices;
using StbImageSharp;
using StbImageWriteSharp;

namespace RoboTracer.Fleet.Bench.Codecs;

/// <summary>
/// StbImageSharp (decode: PNG, JPEG and others) and StbImageWriteSharp (encode), C# ports of stb_image and
/// stb_image_write: managed code only. stb_image_write writes 8-bit PNGs only.
/// </summary>
internal sealed class StbContestant : CodecContestant
{
    public override string Name => "stb";

    public override IReadOnlyList<string> Files => [typeof(ImageResult).Assembly.Location, typeof(ImageWriter).Assembly.Location];

    public override DecodedRgb DecodeRgb(byte[] file)
    {
        var image = ImageResult.FromMemory(file, StbImageSharp.ColorComponents.RedGreenBlue);
        return new(image.Data, image.Width, image.Height);
    }

    public override byte[] EncodeRgb(byte[] rgb, int width, int height)
    {
        var output = new MemoryStream();
        new ImageWriter().WritePng(rgb, width, height, StbImageWriteSharp.ColorComponents.RedGreenBlue, output);
        return output.ToArray();
    }

    /// <summary>
    /// ImageResult reduces 16-bit samples to 8 bits; stb_image's 16-bit loader is reachable only through the port's
    /// public internals (<c>stbi__load_and_postprocess_16bit</c>), which is what this uses.
    /// </summary>
    public override unsafe ushort[] DecodeGray16(byte[] png)
    {
        using var stream = new MemoryStream(png, writable: false);
        var context = new StbImage.stbi__context(stream);
        int width, height, components;
        var samples = StbImage.stbi__load_and_postprocess_16bit(context, &width, &height, &components, 1);
        if (samples is null)
        {
            throw new InvalidOperationException($"stb_image: {StbImage.stbi__g_failure_reason}");
        }
        try
        {
            return new ReadOnlySpan<ushort>(samples, width * height).ToArray();
        }
        finally
        {
            // The port allocates with Marshal.AllocHGlobal (its CRuntime.malloc, which is internal).
            Marshal.FreeHGlobal((IntPtr)samples);
        }
    }

    public override byte[] EncodeGray16(ushort[] samples, int width, int height) =>
        throw new NotSupportedException("stb_image_write writes 8-bit PNGs only");
}
