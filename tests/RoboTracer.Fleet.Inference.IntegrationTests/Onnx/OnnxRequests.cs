using Google.Protobuf;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Inference.Worker;
using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Inference.IntegrationTests.Onnx;

/// <summary>Requests with known pixels, depth and camera for the probe models, validated as the worker validates them.</summary>
internal static class OnnxRequests
{
    public const double Fx = 2.5;
    public const double Fy = 3.5;

    /// <summary>Pixel <c>i</c> (row-major) of image <paramref name="seed"/>: distinct, and different between seeds.</summary>
    public static byte[] Pixels(int width, int height, int seed) =>
        [.. Enumerable.Range(0, width * height * 3).Select(i => (byte)(((i * 37) + (seed * 101) + 11) % 256))];

    /// <summary>Depth of pixel <c>i</c> in metres.</summary>
    public static float[] Depths(int width, int height, int seed) =>
        [.. Enumerable.Range(0, width * height).Select(i => 0.5f + (i * 0.25f) + (seed * 0.125f))];

    public static TraceRequest Request(int width, int height, int seed, string instruction = "put the cup in the sink", TraceOutput output = TraceOutput._3D, bool depth = true)
    {
        var request = new TraceRequest
        {
            RequestId = $"r{seed}",
            Instruction = instruction,
            Image = new Image { Data = ByteString.CopyFrom(new RgbImage(width, height, Pixels(width, height, seed)).ToPng()), MediaType = "image/png" },
            Intrinsics = new Contracts.V1.CameraIntrinsics { Fx = Fx, Fy = Fy, Cx = (width - 1) / 2.0, Cy = (height - 1) / 2.0 },
            Output = output,
            Backend = "onnx",
        };
        if (depth)
        {
            var metres = Depths(width, height, seed);
            var bytes = new byte[metres.Length * 4];
            Buffer.BlockCopy(metres, 0, bytes, 0, bytes.Length);
            request.Depth = new Contracts.V1.DepthImage { Encoding = DepthEncoding._32Fc1, Width = (uint)width, Height = (uint)height, Data = ByteString.CopyFrom(bytes) };
        }
        return request;
    }

    public static TraceJob Job(TraceRequest request) => new(request, TraceRequestValidator.Validate(request, ["onnx"]));
}
