using System.Buffers.Binary;
using Google.Protobuf;
using RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Inference.IntegrationTests;

/// <summary>Small valid inputs: a 160×120 image, depth 1.5 m everywhere, and a camera that fits them.</summary>
internal static class TestInputs
{
    public const int Width = 160;
    public const int Height = 120;
    public const double Fx = 140;
    public const double Cx = (Width - 1) / 2.0;
    public const double Cy = (Height - 1) / 2.0;

    public static readonly byte[] Png = Vision.ImageCodec.EncodePngRgb8(
        [.. Enumerable.Range(0, Width * Height * 3).Select(i => (byte)(i % 251))], Width, Height);

    /// <summary>The same pixels as a JPEG, as a robot's camera may send them.</summary>
    public static readonly byte[] Jpeg = Vision.RgbImage.FromPng(Png).ToJpeg();

    public static Contracts.V1.DepthImage Depth16(double metres, int width = Width, int height = Height)
    {
        var data = new byte[width * height * 2];
        for (var i = 0; i < width * height; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * i), (ushort)Math.Round(metres * 1000));
        }
        return new Contracts.V1.DepthImage { Encoding = DepthEncoding._16Uc1, Width = (uint)width, Height = (uint)height, Data = ByteString.CopyFrom(data) };
    }

    public static Contracts.V1.CameraIntrinsics Camera() => new() { Fx = Fx, Fy = Fx, Cx = Cx, Cy = Cy, Width = Width, Height = Height };

    public static TraceRequest Request(string backend = "", TraceOutput output = TraceOutput._2D, string instruction = "put the red cup on the plate") => new()
    {
        RequestId = Guid.NewGuid().ToString("N"),
        Instruction = instruction,
        Image = new Image { Data = ByteString.CopyFrom(Png), MediaType = "image/png" },
        Depth = Depth16(1.5),
        Intrinsics = Camera(),
        Output = output,
        Backend = backend,
    };

    /// <summary>A unique directory under the system's temp directory, deleted by the returned handle.</summary>
    public static TempDirectory TempDirectory() => new();
}
