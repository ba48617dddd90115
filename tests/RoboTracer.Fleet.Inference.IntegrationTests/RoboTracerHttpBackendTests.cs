using System.Text.Json;
using Grpc.Core;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Backends;

namespace RoboTracer.Fleet.Inference.IntegrationTests;

/// <summary>
/// <c>robotracer-http</c> end to end: our gRPC client → worker → an in-test model server speaking RoboTracer's
/// <c>/query</c> (image and depth as files in a shared directory) or RoboRefer's (base64).
/// </summary>
public sealed class RoboTracerHttpBackendTests : IAsyncLifetime
{
    private readonly TempDirectory _shared = TestInputs.TempDirectory();
    private FakeModelServer _model = null!;
    private WorkerHost _roboTracer = null!;
    private WorkerHost _roboRefer = null!;

    public async Task InitializeAsync()
    {
        _model = await FakeModelServer.StartAsync();
        _roboTracer = await WorkerHost.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:Backends:robotracer-http:BaseAddress"] = _model.Address.ToString(),
            ["Inference:Backends:robotracer-http:Contract"] = "RoboTracer",
            ["Inference:Backends:robotracer-http:SharedDirectory"] = _shared.Path,
        });
        _roboRefer = await WorkerHost.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:Backends:robotracer-http:BaseAddress"] = new Uri(_model.Address, "roborefer").ToString(),
            ["Inference:Backends:robotracer-http:Contract"] = "RoboRefer",
            ["Inference:Backends:robotracer-http:Model"] = "RoboRefer-2B",
        });
    }

    public async Task DisposeAsync()
    {
        await _roboTracer.DisposeAsync();
        await _roboRefer.DisposeAsync();
        await _model.DisposeAsync();
        _shared.Dispose();
    }

    [Fact]
    public async Task The_RoboTracer_contract_gets_files_in_the_shared_directory_intrinsics_and_its_own_prompt()
    {
        _model.Answer = _ => "[(500, 500, 1.2), (750, 250, 1.3)]";
        var request = TestInputs.Request("robotracer-http", TraceOutput._3D);

        var response = await _roboTracer.Client.TraceAsync(request, new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30)));

        var query = Assert.Single(_model.Received);
        Assert.Equal("/query", query.Path);
        var image = query.Body.GetProperty("image_paths").EnumerateArray().Single().GetString()!;
        Assert.StartsWith(_shared.Path, image, StringComparison.Ordinal);
        Assert.Equal(TestInputs.Png, query.Files[image]);
        var depthPath = query.Body.GetProperty("depth_z_paths").EnumerateArray().Single().GetString()!;
        var depth = Vision.DepthImage.FromPng(query.Files[depthPath]);
        Assert.Equal((TestInputs.Width, TestInputs.Height, 1.5f), (depth.Width, depth.Height, depth[37, 81]));
        Assert.Equal(
            [[TestInputs.Fx, 0, TestInputs.Cx], [0, TestInputs.Fx, TestInputs.Cy], [0, 0, 1]],
            query.Body.GetProperty("intrinsics").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray());
        Assert.Equal(1, query.Body.GetProperty("enable_spatial").GetInt32());
        Assert.Equal(TracePrompts.RoboTracer(request.Instruction, threeD: true), query.Body.GetProperty("text").GetString());
        // The worker cleans up the shared directory after the answer.
        Assert.Empty(Directory.EnumerateFileSystemEntries(_shared.Path));

        Assert.Equal([(80.0, 60.0), (120.0, 30.0)], response.Points2D.Select(p => (p.X, p.Y)));
        Assert.Equal([1.2, 1.3], response.Points3D.Select(p => Math.Round(p.Z, 9)));
        Assert.Equal((80 - TestInputs.Cx) * 1.2 / TestInputs.Fx, response.Points3D[0].X, 9);
        Assert.Equal("[(500, 500, 1.2), (750, 250, 1.3)]", response.RawAnswer);
        Assert.Equal(("robotracer-http", "RoboTracer", request.RequestId), (response.Backend, response.Model, response.RequestId));
        Assert.Empty(response.FlaggedPoints);
    }

    [Fact]
    public async Task A_2D_RoboTracer_request_without_depth_sends_no_depth_and_spatial_off()
    {
        var request = TestInputs.Request("robotracer-http", TraceOutput._2D);
        request.Depth = null;
        request.Intrinsics = null;

        var response = await _roboTracer.Client.TraceAsync(request, new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30)));

        var query = Assert.Single(_model.Received);
        Assert.Equal(0, query.Body.GetProperty("enable_spatial").GetInt32());
        Assert.True(query.Body.GetProperty("depth_z_paths").ValueKind is JsonValueKind.Null);
        Assert.Equal(TracePrompts.RoboTracer(request.Instruction, threeD: false), query.Body.GetProperty("text").GetString());
        Assert.Equal([(80.0, 60.0), (40.0, 90.0)], response.Points2D.Select(p => (p.X, p.Y)));
        Assert.Empty(response.Points3D);
    }

    [Fact]
    public async Task The_RoboRefer_contract_gets_base64_image_and_depth_under_the_base_path()
    {
        _model.Answer = _ => "[(250, 750)]";
        var request = TestInputs.Request("robotracer-http", TraceOutput._2D);

        var response = await _roboRefer.Client.TraceAsync(request, new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30)));

        var query = Assert.Single(_model.Received);
        Assert.Equal("/roborefer/query", query.Path);
        Assert.Equal(TestInputs.Png, Convert.FromBase64String(query.Body.GetProperty("image_url").EnumerateArray().Single().GetString()!));
        var depth = Vision.DepthImage.FromPng(Convert.FromBase64String(query.Body.GetProperty("depth_url").EnumerateArray().Single().GetString()!));
        Assert.Equal(1.5f, depth[0, 0]);
        Assert.Equal(1, query.Body.GetProperty("enable_depth").GetInt32());
        Assert.Equal(TracePrompts.RoboTracer(request.Instruction, threeD: false), query.Body.GetProperty("text").GetString());
        Assert.Equal([(40.0, 90.0)], response.Points2D.Select(p => (p.X, p.Y)));
        Assert.Equal("RoboRefer-2B", response.Model);
    }

    [Fact]
    public async Task A_raw_prompt_is_sent_unchanged()
    {
        var request = TestInputs.Request("robotracer-http");
        request.Instruction = "Point the 2D object-centric visual trace for the task \"pick up the cup\". Exactly this.";
        request.RawPrompt = true;

        await _roboRefer.Client.TraceAsync(request, new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30)));

        Assert.Equal(request.Instruction, Assert.Single(_model.Received).Body.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_model_server_error_is_unavailable_with_its_status()
    {
        _model.FailWith = 500;

        var ex = await Assert.ThrowsAsync<RpcException>(() => _roboTracer.Client.TraceAsync(TestInputs.Request("robotracer-http"), new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30))).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Equal("Model server answered HTTP 500: model server error 500", ex.Status.Detail);
    }

    [Fact]
    public async Task An_answer_without_points_is_internal_with_the_parse_error()
    {
        _model.Answer = _ => "I cannot see the cup";

        var ex = await Assert.ThrowsAsync<RpcException>(() => _roboTracer.Client.TraceAsync(TestInputs.Request("robotracer-http"), new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30))).ResponseAsync);

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.StartsWith("Model answer could not be parsed: No point list found in the answer", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("I cannot see the cup", ex.Status.Detail, StringComparison.Ordinal);
    }
}
