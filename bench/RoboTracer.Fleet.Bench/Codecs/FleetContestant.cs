using System.IO.Compression;
using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Bench.Codecs;

/// <summary>
/// What the fleet ships (<see cref="ImageCodec"/>): SkiaSharp for PNG and JPEG, our own codec for 16-bit gray depth.
/// Before issue 17 this contestant was our own PNG codec for everything; BENCHMARKS.md keeps that run.
/// </summary>
internal sealed class FleetContestant : CodecContestant
{
    public override string Name => "fleet";

    public override IReadOnlyList<string> Files => [.. new SkiaContestant().Files, typeof(ImageCodec).Assembly.Location];

    public override DecodedRgb DecodeRgb(byte[] file)
    {
        var rgb = ImageCodec.DecodeRgb8(file, out var info);
        return new(rgb, info.Width, info.Height);
    }

    public override byte[] EncodeRgb(byte[] rgb, int width, int height) => ImageCodec.EncodePngRgb8(rgb, width, height);

    public override byte[] EncodeRgbFast(byte[] rgb, int width, int height) => ImageCodec.EncodePngRgb8(rgb, width, height, CompressionLevel.Fastest);

    public override ushort[] DecodeGray16(byte[] png) => ImageCodec.DecodePngGray16(png, out _, out _);

    public override byte[] EncodeGray16(ushort[] samples, int width, int height) => ImageCodec.EncodePngGray16(samples, width, height);
}
