using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Contracts.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RoboTracer.Fleet.Inference.IntegrationTests.Onnx;

/// <summary>
/// A worker composed as Program.cs composes it, with backend <c>onnx</c> from configuration: it says where the model
/// runs (health, <c>/query</c>, the response's model), and a model it cannot load leaves it NOT_SERVING with the reason.
/// </summary>
public sealed class OnnxWorkerTests(OnnxTestModels models) : IClassFixture<OnnxTestModels>
{
    private static CallOptions Within30s => new(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30));

    [Fact]
    public async Task A_worker_with_an_onnx_model_says_which_execution_provider_runs_it()
    {
        await using var worker = await WorkerHost.StartAsync(Settings(models["means2d"]));

        var response = await worker.Client.TraceAsync(OnnxRequests.Request(8, 6, seed: 1, output: TraceOutput._2D), Within30s);
        var health = await worker.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        using var http = new HttpClient { BaseAddress = worker.HttpAddress };
        var image = Convert.ToBase64String(OnnxRequests.Request(8, 6, seed: 1).Image.Data.Span);
        using var query = await http.PostAsJsonAsync("/query", new { image_url = new[] { image }, enable_depth = 0, text = "put the cup in the sink" });
        var body = await query.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("onnx", response.Backend);
        Assert.Equal("means2d (CPUExecutionProvider)", response.Model);
        Assert.Equal(2, response.Points2D.Count);
        var entry = health.Entries["worker"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("serving: geometric, onnx on CPUExecutionProvider", entry.Description);
        Assert.Equal("CPUExecutionProvider", entry.Data["backend.onnx.execution_provider"]);
        Assert.True(query.IsSuccessStatusCode, body.ToString());
        Assert.Equal("CPUExecutionProvider", body.GetProperty("execution_provider").GetString());
        Assert.Equal("means2d (CPUExecutionProvider)", body.GetProperty("model").GetString());
    }

    [Fact]
    public async Task A_worker_whose_model_does_not_fit_stays_not_serving_and_logs_why()
    {
        var capture = new LogCapture();
        await using var worker = WorkerHost.Launch(Settings(models["output_rank2"]), services => services.AddSingleton<ILoggerProvider>(capture));
        await worker.Started.WaitAsync(TimeSpan.FromSeconds(60));

        var health = await worker.Health.CheckAsync(new HealthCheckRequest { Service = "" }, Within30s);
        var refused = await Assert.ThrowsAsync<RpcException>(() => worker.Client.TraceAsync(OnnxRequests.Request(8, 6, seed: 1), Within30s).ResponseAsync);

        Assert.Equal(ServingStatus.NotServing, health.Status);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.StartsWith($"Backend 'onnx' failed to load: Model {models["output_rank2"]} does not fit the onnx backend's contract: output 'points' must be float32", refused.Status.Detail, StringComparison.Ordinal);
        var logged = Assert.Single(capture.Lines, line => line.Level == LogLevel.Error && line.Category.EndsWith(".WorkerLifecycle", StringComparison.Ordinal));
        Assert.StartsWith("Backend onnx failed to load; the worker stays NOT_SERVING: Model ", logged.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Settings(string model) => new()
    {
        ["Inference:DefaultBackend"] = "onnx",
        ["Inference:Backends:onnx:ModelPath"] = model,
        ["Inference:Backends:onnx:ExecutionProvider"] = "Cpu",
        ["Inference:Backends:onnx:Batching:MaxBatchSize"] = "4",
    };
}
