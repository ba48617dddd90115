using System.Buffers.Binary;
using Google.Protobuf;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Inference.Worker;
using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Inference.Tests;

/// <summary>Small, valid inputs for requests: a 160×120 image, aligned depth, and a camera that fits them.</summary>
internal static class TestInputs
{
    public const int Width = 160;
    public const int Height = 120;

    /// <summary>A grey PNG of the given size.</summary>
    public static byte[] Png(int width = Width, int height = Height) =>
        ImageCodec.EncodePngRgb8(Enumerable.Repeat((byte)128, width * height * 3).ToArray(), width, height);

    /// <summary>The start of a baseline JPEG up to its frame header: enough for the worker's format sniffing.</summary>
    public static byte[] JpegHeader(int width = Width, int height = Height)
    {
        byte[] bytes =
        [
            0xFF, 0xD8,                                                  // SOI
            0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, // APP0
            0xFF, 0xC0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03,              // SOF0: precision 8, height, width, 3 components
            0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
            0xFF, 0xD9,                                                  // EOI
        ];
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(25), (ushort)height);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(27), (ushort)width);
        return bytes;
    }

    /// <summary>A 16UC1 depth buffer of <paramref name="metres"/> everywhere.</summary>
    public static Contracts.V1.DepthImage Depth16(double metres, int width = Width, int height = Height)
    {
        var data = new byte[width * height * 2];
        for (var i = 0; i < width * height; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * i), (ushort)Math.Round(metres * 1000));
        }
        return new Contracts.V1.DepthImage { Encoding = DepthEncoding._16Uc1, Width = (uint)width, Height = (uint)height, Data = ByteString.CopyFrom(data) };
    }

    /// <summary>A 32FC1 depth buffer from per-pixel metres.</summary>
    public static Contracts.V1.DepthImage Depth32(float[] metres, int width = Width, int height = Height)
    {
        var data = new byte[metres.Length * 4];
        for (var i = 0; i < metres.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), metres[i]);
        }
        return new Contracts.V1.DepthImage { Encoding = DepthEncoding._32Fc1, Width = (uint)width, Height = (uint)height, Data = ByteString.CopyFrom(data) };
    }

    public static Contracts.V1.CameraIntrinsics Camera(double fx = 140, double fy = 140) =>
        new() { Fx = fx, Fy = fy, Cx = (Width - 1) / 2.0, Cy = (Height - 1) / 2.0, Width = Width, Height = Height };

    /// <summary>A valid request: image, depth of 1.5 m, camera; 2D output unless told.</summary>
    public static TraceRequest Request(TraceOutput output = TraceOutput._2D, string backend = "") => new()
    {
        RequestId = Guid.NewGuid().ToString("N"),
        Instruction = "put the red cup on the plate",
        Image = new Image { Data = ByteString.CopyFrom(Png()), MediaType = "image/png" },
        Depth = Depth16(1.5),
        Intrinsics = Camera(),
        Output = output,
        Backend = backend,
    };

    /// <summary>A job as a backend sees it, for batcher tests that do not care about the image.</summary>
    public static TraceJob Job(string id = "") => new(
        new TraceRequest { RequestId = id, Instruction = "move it" },
        new TraceInputs(new ImageInfo(ImageKind.Png, Width, Height), null, null));
}
