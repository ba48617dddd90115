using Google.Protobuf;
using Grpc.Core;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Worker;

namespace RoboTracer.Fleet.Inference.Tests.Worker;

/// <summary>Every bad request is INVALID_ARGUMENT with a message that names the field and what was expected.</summary>
public sealed class TraceRequestValidatorTests
{
    private static readonly string[] Backends = ["geometric", "simulated"];

    public static TheoryData<string, Action<TraceRequest>, string> BadRequests => new()
    {
        { "missing image", r => r.Image = null, "image is missing" },
        { "empty image bytes", r => r.Image.Data = ByteString.Empty, "image is missing" },
        { "bytes neither PNG nor JPEG", r => r.Image.Data = ByteString.CopyFromUtf8("GIF89a not a png"), "image: image bytes are neither PNG nor JPEG" },
        { "truncated PNG", r => r.Image.Data = ByteString.CopyFrom(TestInputs.Png().AsSpan(0, 12)), "PNG is truncated" },
        { "media type that lies", r => r.Image.MediaType = "image/jpeg", "image.media_type is 'image/jpeg' but the bytes are image/png" },
        { "depth buffer size not width x height x 2", r => r.Depth.Data = ByteString.CopyFrom(r.Depth.Data.Span[..100]), "16UC1 depth buffer has 100 bytes; 160x120 needs 38400" },
        { "depth not aligned to the image", r => r.Depth = TestInputs.Depth16(1.5, 80, 60), "depth is 80x60 but the image is 160x120" },
        { "NaN depth in 32FC1", r => r.Depth = NaNAt(7, 3), "depth pixel (7, 3) is NaN" },
        { "unspecified depth encoding", r => r.Depth.Encoding = DepthEncoding.Unspecified, "depth.encoding is unspecified" },
        { "zero focal length", r => r.Intrinsics.Fx = 0, "singular intrinsics: fx is 0" },
        { "negative focal length", r => r.Intrinsics.Fy = -140, "fy is -140 (must be positive)" },
        { "intrinsics for another image size", r => r.Intrinsics.Width = 640, "intrinsics are for a 640x120 image but the image is 160x120" },
        { "unknown backend", r => r.Backend = "gpt-17", "backend 'gpt-17' is not served by this worker; available: geometric, simulated" },
        { "3D output without depth", r => { r.Output = TraceOutput._3D; r.Depth = null; }, "output 3D needs depth and intrinsics" },
        { "3D output without intrinsics", r => { r.Output = TraceOutput._3D; r.Intrinsics = null; }, "output 3D needs depth and intrinsics" },
        { "empty instruction", r => r.Instruction = " ", "instruction is empty" },
        { "instruction too long", r => r.Instruction = new string('a', 5000), "instruction has 5000 characters" },
        { "scene hint without a box", r => r.SceneHints.Add(new SceneObject { Label = "cup" }), "scene_hints['cup'].box needs a center and an extent" },
        { "destination with a zero extent", r => r.Destination = new Box3D { Center = new Point3D { Z = 1 }, Extent = new Point3D { X = 0.1, Y = 0, Z = 0.1 } }, "destination.extent must be positive" },
        { "destination with NaN", r => r.Destination = new Box3D { Center = new Point3D { Z = double.NaN }, Extent = new Point3D { X = 0.1, Y = 0.1, Z = 0.1 } }, "destination has a non-finite coordinate" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void A_bad_request_is_invalid_argument_with_a_precise_message(string what, Action<TraceRequest> spoil, string message)
    {
        var request = TestInputs.Request();
        spoil(request);

        var ex = Assert.Throws<RpcException>(() => TraceRequestValidator.Validate(request, Backends));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.True(ex.Status.Detail.Contains(message, StringComparison.Ordinal), $"{what}: '{ex.Status.Detail}' does not say '{message}'");
    }

    [Fact]
    public void A_valid_request_is_decoded_once()
    {
        var inputs = TraceRequestValidator.Validate(TestInputs.Request(TraceOutput._3D), Backends);

        Assert.Equal((160, 120), (inputs.Image.Width, inputs.Image.Height));
        Assert.Equal(1.5f, inputs.Depth![10, 10]);
        Assert.Equal(140, inputs.Intrinsics!.Fx);
        Assert.True(inputs.CanLift);
    }

    [Fact]
    public void A_jpeg_is_accepted_by_its_header()
    {
        var request = TestInputs.Request();
        request.Image = new Image { Data = ByteString.CopyFrom(TestInputs.JpegHeader()), MediaType = "image/jpeg" };

        var inputs = TraceRequestValidator.Validate(request, Backends);

        Assert.Equal(Vision.ImageKind.Jpeg, inputs.Image.Kind);
    }

    [Fact]
    public void Intrinsics_without_a_size_take_the_image_size()
    {
        var request = TestInputs.Request();
        request.Intrinsics.Width = 0;
        request.Intrinsics.Height = 0;

        var inputs = TraceRequestValidator.Validate(request, Backends);

        Assert.Equal(160, inputs.Intrinsics!.Width);
    }

    [Fact]
    public void Zero_depth_in_32FC1_is_a_missing_sample_not_an_error()
    {
        var request = TestInputs.Request();
        var metres = Enumerable.Repeat(1.5f, TestInputs.Width * TestInputs.Height).ToArray();
        metres[0] = 0;
        request.Depth = TestInputs.Depth32(metres);

        var inputs = TraceRequestValidator.Validate(request, Backends);

        Assert.Equal(TestInputs.Width * TestInputs.Height - 1, inputs.Depth!.ValidCount);
    }

    private static Contracts.V1.DepthImage NaNAt(int x, int y)
    {
        var metres = Enumerable.Repeat(1.5f, TestInputs.Width * TestInputs.Height).ToArray();
        metres[(y * TestInputs.Width) + x] = float.NaN;
        return TestInputs.Depth32(metres);
    }
}
