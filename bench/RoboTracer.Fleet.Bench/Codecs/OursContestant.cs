using System.IO.Compression;
using RoboTracer.Fleet.Vision.Png;

namespace RoboTracer.Fleet.Bench.Codecs;

/// <summary>Our own PNG codec (RoboTracer.Fleet.Vision.Png, on ZLibStream): no JPEG.</summary>
internal sealed class OursContestant : CodecContestant
{
    public override string Name => "ours";

    public override IReadOnlyList<string> Files => [typeof(PngCodec).Assembly.Location];

    public override DecodedRgb DecodeRgb(byte[] file)
    {
        if (!file.AsSpan().StartsWith(PngCodec.Signature))
        {
            throw new NotSupportedException("reads PNG only");
        }
        var image = PngCodec.Decode(file);
        return new(image.ToRgb8(), image.Width, image.Height);
    }

    public override byte[] EncodeRgb(byte[] rgb, int width, int height) => PngCodec.EncodeRgb8(rgb, width, height);

    public override byte[] EncodeRgbFast(byte[] rgb, int width, int height) => PngCodec.EncodeRgb8(rgb, width, height, CompressionLevel.Fastest);

    public override ushort[] DecodeGray16(byte[] png) => PngCodec.Decode(png).ToGray16();

    public override byte[] EncodeGray16(ushort[] samples, int width, int height) => PngCodec.EncodeGray16(samples, width, height);
}
