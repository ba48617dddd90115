using Google.Protobuf;
using Grpc.Core;
using RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Inference.IntegrationTests;

/// <summary>Bad requests over gRPC get a precise status and message, and the worker goes on serving.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private WorkerHost _worker = null!;

    public async Task InitializeAsync() => _worker = await WorkerHost.StartAsync(new Dictionary<string, string?>
    {
        ["Inference:DefaultBackend"] = "simulated",
        ["Inference:Backends:simulated:FixedLatency"] = "00:00:00.001",
        ["Inference:Backends:simulated:PerItemLatency"] = "00:00:00",
    });

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    public static TheoryData<string, Action<TraceRequest>, string> BadRequests => new()
    {
        { "missing image", r => r.Image = null, "image is missing: send the RGB image as PNG or JPEG bytes." },
        { "bytes neither PNG nor JPEG", r => r.Image.Data = ByteString.CopyFromUtf8("<html>not an image</html>"), "image: image bytes are neither PNG nor JPEG" },
        { "depth size not width x height", r => r.Depth.Data = ByteString.CopyFrom(new byte[1000]), "depth: 16UC1 depth buffer has 1000 bytes; 160x120 needs 38400" },
        { "depth not aligned to the image", r => r.Depth = TestInputs.Depth16(1.5, 64, 48), "depth is 64x48 but the image is 160x120: depth must be aligned to the image." },
        { "NaN depth", r => r.Depth = NaNDepth(), "depth: depth pixel (3, 2) is NaN; depth must be finite and not negative" },
        { "zero focal length", r => r.Intrinsics.Fx = 0, "intrinsics: singular intrinsics: fx is 0" },
        { "unknown backend", r => r.Backend = "gemini-9", "backend 'gemini-9' is not served by this worker; available: " },
        { "3D without depth", r => { r.Depth = null; r.Output = TraceOutput._3D; }, "output 3D needs depth and intrinsics: send both, or ask for 2D." },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_is_invalid_argument_with_a_precise_message(string what, Action<TraceRequest> spoil, string message)
    {
        var request = TestInputs.Request();
        spoil(request);

        var ex = await Assert.ThrowsAsync<RpcException>(() => _worker.Client.TraceAsync(request, new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30))).ResponseAsync);

        Assert.True(ex.StatusCode == StatusCode.InvalidArgument, $"{what}: {ex.Status}");
        Assert.True(ex.Status.Detail.StartsWith(message, StringComparison.Ordinal), $"{what}: '{ex.Status.Detail}'");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task A_50_MB_request_is_resource_exhausted()
    {
        var request = TestInputs.Request();
        request.Image.Data = ByteString.CopyFrom(new byte[50 * 1024 * 1024]);

        var ex = await Assert.ThrowsAsync<RpcException>(() => _worker.Client.TraceAsync(request, new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30))).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("exceeds the maximum configured message size", ex.Status.Detail, StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    private async Task AssertStillServingAsync()
    {
        var response = await _worker.Client.TraceAsync(TestInputs.Request(), new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30)));
        Assert.Equal(3, response.Points2D.Count);
    }

    private static Contracts.V1.DepthImage NaNDepth()
    {
        var data = new byte[TestInputs.Width * TestInputs.Height * 4];
        for (var i = 0; i < TestInputs.Width * TestInputs.Height; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), i == (2 * TestInputs.Width) + 3 ? float.NaN : 1.5f);
        }
        return new Contracts.V1.DepthImage { Encoding = DepthEncoding._32Fc1, Width = TestInputs.Width, Height = TestInputs.Height, Data = ByteString.CopyFrom(data) };
    }
}
