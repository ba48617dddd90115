using Grpc.Core;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Backends;

namespace RoboTracer.Fleet.Inference.IntegrationTests;

/// <summary>
/// <c>openai</c> end to end through the official OpenAI package: our gRPC client → worker → an in-test
/// OpenAI-compatible chat-completions server answering the ways real VLMs answer.
/// </summary>
public sealed class OpenAiBackendTests : IAsyncLifetime
{
    private FakeModelServer _model = null!;
    private WorkerHost _worker = null!;

    public async Task InitializeAsync()
    {
        _model = await FakeModelServer.StartAsync();
        _worker = await WorkerHost.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:Backends:openai:Endpoint"] = new Uri(_model.Address, "v1").ToString(),
            ["Inference:Backends:openai:Model"] = "Qwen/Qwen3-VL-8B-Instruct",
            ["Inference:Backends:openai:ApiKey"] = "test-key",
        });
    }

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
        await _model.DisposeAsync();
    }

    public static TheoryData<string, string> Answers => new()
    {
        { "RoboTracer tuples", "[(500, 500), (250, 750)]" },
        { "fenced JSON after reasoning", "The cup is at `[500, 500]`.\n\n```json\n[[500, 500], [250, 750]]\n```" },
        { "unfenced JSON", "[[500, 500], [250, 750]]" },
        { "think block then tuples", "<think>the cup is at [100, 100]?</think>\n[(500, 500), (250, 750)]" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Every_answer_shape_becomes_the_same_trace(string shape, string answer)
    {
        _model.Answer = _ => answer;

        var response = await _worker.Client.TraceAsync(TestInputs.Request("openai"), new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30)));

        Assert.True(response.Points2D.Select(p => (p.X, p.Y)).SequenceEqual([(80.0, 60.0), (40.0, 90.0)]), shape);
        Assert.Equal(answer, response.RawAnswer);
        Assert.Equal(("openai", "Qwen/Qwen3-VL-8B-Instruct"), (response.Backend, response.Model));
    }

    [Fact]
    public async Task The_request_has_temperature_0_the_general_VLM_prompt_and_the_image_as_a_data_url()
    {
        var request = TestInputs.Request("openai", TraceOutput._3D);

        await _worker.Client.TraceAsync(request, new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30)));

        var body = Assert.Single(_model.Received).Body;
        Assert.Equal("/v1/chat/completions", _model.Received[0].Path);
        Assert.Equal("Qwen/Qwen3-VL-8B-Instruct", body.GetProperty("model").GetString());
        Assert.Equal(0, body.GetProperty("temperature").GetDouble());
        var content = body.GetProperty("messages")[0].GetProperty("content").EnumerateArray().ToList();
        var text = content.Single(part => part.GetProperty("type").GetString() == "text").GetProperty("text").GetString();
        Assert.Equal(TracePrompts.GeneralVlm(request.Instruction, threeD: true), text);
        var image = content.Single(part => part.GetProperty("type").GetString() == "image_url").GetProperty("image_url");
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(TestInputs.Png), image.GetProperty("url").GetString());
        Assert.Equal("high", image.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_2D_answer_to_a_3D_request_is_lifted_with_the_request_depth()
    {
        _model.Answer = _ => "```json\n[[500, 500], [250, 750]]\n```";

        var response = await _worker.Client.TraceAsync(TestInputs.Request("openai", TraceOutput._3D), new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30)));

        Assert.Equal([1.5, 1.5], response.Points3D.Select(p => Math.Round(p.Z, 6)));
        Assert.Equal((80 - TestInputs.Cx) * 1.5 / TestInputs.Fx, response.Points3D[0].X, 6);
    }

    [Fact]
    public async Task TraceStream_streams_the_model_reasoning_then_the_trace_last()
    {
        _model.Answer = _ => "<think>The red cup is left of the plate.\nLift it, then move right.</think>\n[(500, 500), (250, 750)]";

        using var call = _worker.Client.TraceStream(TestInputs.Request("openai"), new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30)));
        var updates = new List<TraceUpdate>();
        await foreach (var update in call.ResponseStream.ReadAllAsync())
        {
            updates.Add(update);
        }

        Assert.Equal(
            [TraceUpdate.UpdateOneofCase.Reasoning, TraceUpdate.UpdateOneofCase.Reasoning, TraceUpdate.UpdateOneofCase.Reasoning, TraceUpdate.UpdateOneofCase.Trace],
            updates.Select(u => u.UpdateCase));
        Assert.StartsWith("queued on backend openai", updates[0].Reasoning, StringComparison.Ordinal);
        Assert.Equal(["The red cup is left of the plate.", "Lift it, then move right."], updates[1..3].Select(u => u.Reasoning));
        Assert.Equal(2, updates[^1].Trace.Points2D.Count);
    }

    [Fact]
    public async Task A_garbage_answer_is_internal_with_the_parse_error()
    {
        _model.Answer = _ => "I cannot see the cup";

        var ex = await Assert.ThrowsAsync<RpcException>(() => _worker.Client.TraceAsync(TestInputs.Request("openai"), new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30))).ResponseAsync);

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal("Model answer could not be parsed: No point list found in the answer: expected [(x, y), ...] or [[x, y], ...]; the answer was: I cannot see the cup", ex.Status.Detail);
    }

    [Fact]
    public async Task An_overloaded_endpoint_is_unavailable_at_once_so_the_pool_can_go_elsewhere()
    {
        _model.FailWith = 503;

        var ex = await Assert.ThrowsAsync<RpcException>(() => _worker.Client.TraceAsync(TestInputs.Request("openai"), new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30))).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Contains("HTTP 503", ex.Status.Detail, StringComparison.Ordinal);
        // The worker does not retry on its own: retrying is the pool's job, on another worker, within the deadline.
        Assert.Single(_model.Received);
    }
}
