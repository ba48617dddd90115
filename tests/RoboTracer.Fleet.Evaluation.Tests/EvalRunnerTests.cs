using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Evaluation.Tests;

public sealed class EvalRunnerTests(SyntheticSetFixture set) : IClassFixture<SyntheticSetFixture>, IDisposable
{
    private readonly string _outputs = TempDir.Create();

    public void Dispose() => TempDir.Delete(_outputs);

    private EvalRunOptions Options => new() { OutputDirectory = _outputs };

    /// <summary>Answers with the sample's ground truth; stops the run (cancels) when asked for more than its budget.</summary>
    private sealed class FakeQuery(BenchSet bench, int budget = int.MaxValue, CancellationTokenSource? stop = null) : ITraceQuery
    {
        public ConcurrentBag<string> Asked { get; } = [];

        public ConcurrentBag<TraceRequest> Requests { get; } = [];

        public Task<TraceResponse> TraceAsync(TraceRequest request, CancellationToken cancellationToken)
        {
            var id = request.RequestId[(request.RequestId.LastIndexOf('_') + 1)..];
            if (Asked.Count >= budget)
            {
                stop!.Cancel();
                cancellationToken.ThrowIfCancellationRequested();
            }
            Asked.Add(id);
            Requests.Add(request);
            var sample = bench.Samples.Single(s => s.Id == id);
            var answer = BenchSetWriter.GroundTruthAnswer(sample, bench.LoadData(sample).Intrinsics);
            return Task.FromResult(new TraceResponse { RawAnswer = answer });
        }
    }

    [Fact]
    public async Task Interrupted_run_resumes_without_rerunning_finished_samples()
    {
        const int k = 3;
        using var stop = new CancellationTokenSource();
        var first = new FakeQuery(set.Bench, budget: k, stop);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            EvalRunner.RunAsync(set.Bench, "RoboTracer", "3D", first, concurrency: 1, options: Options, cancellationToken: stop.Token));

        var path = PredictionFile.PathFor(_outputs, "RoboTracer", EvalTask.ThreeD);
        var afterInterrupt = PredictionFile.ReadPredictions(path);
        Assert.Equal(k, afterInterrupt.Count);
        Assert.False(File.Exists(path + ".tmp"));

        var second = new FakeQuery(set.Bench);
        var results = await EvalRunner.RunAsync(set.Bench, "RoboTracer", "3D", second, concurrency: 3, options: Options);

        Assert.Empty(second.Asked.Intersect(afterInterrupt.Keys));
        Assert.Equal(SyntheticSetFixture.Samples - k, second.Asked.Count);
        Assert.Equal(k, results[0].Reused);
        var final = PredictionFile.ReadRecords(path);
        Assert.Equal(set.Bench.Samples.Select(s => s.Id), final.Keys);
        var score = await EvalScorer.ScoreAsync(set.Bench, PredictionFile.ReadPredictions(path), EvalTask.ThreeD);
        Assert.Equal(1.0, score["end_success"]);
    }

    [Fact]
    public async Task Empty_and_failed_predictions_are_rerun_and_kept_ones_are_not()
    {
        var path = PredictionFile.PathFor(_outputs, "Qwen2.5-VL", EvalTask.TwoD);
        await EvalRunner.RunAsync(set.Bench, "Qwen2.5-VL", "2D", new FakeQuery(set.Bench), options: Options);
        var records = PredictionFile.ReadRecords(path);
        records["1"]["model_prediction"] = "";
        records["2"]["model_prediction"] = new JsonArray();
        PredictionFile.WriteAtomic(path, records.Values);

        var again = new FakeQuery(set.Bench);
        await EvalRunner.RunAsync(set.Bench, "Qwen2.5-VL", "2D", again, options: Options);

        Assert.Equal(["1", "2"], again.Asked.Order());
    }

    [Fact]
    public async Task A_failing_query_stores_an_empty_prediction_with_the_error()
    {
        var failing = new ThrowingQuery();

        var results = await EvalRunner.RunAsync(set.Bench, "RoboTracer", "2D", failing, options: Options);

        Assert.Equal(SyntheticSetFixture.Samples, results[0].Failed);
        var record = PredictionFile.ReadRecords(results[0].OutputPath)["0"];
        Assert.Equal("", (string?)record["model_prediction"]);
        Assert.Contains("model is down", (string?)record["error"], StringComparison.Ordinal);
    }

    private sealed class ThrowingQuery : ITraceQuery
    {
        public Task<TraceResponse> TraceAsync(TraceRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("model is down");
    }

    [Fact]
    public async Task Records_carry_RoboTracer_fields_and_requests_carry_the_raw_prompt_and_scene()
    {
        var query = new FakeQuery(set.Bench);
        var progress = new List<EvalProgress>();

        var results = await EvalRunner.RunAsync(set.Bench, "RoboTracer", "all", query, concurrency: 2, progress.Add, Options);

        Assert.Equal([EvalTask.ThreeD, EvalTask.TwoD], results.Select(r => r.Task));
        var record = PredictionFile.ReadRecords(results[0].OutputPath)["0"];
        foreach (var field in new[] { "question_id", "final_prompt", "model_prediction", "image_path", "gt_depth_path", "mask_path",
            "gt_depth_intrinsics", "prompt", "target_object", "destination|direction", "trajectory", "bbox_center", "bbox_extent", "bbox_rotation" })
        {
            Assert.True(record.ContainsKey(field), field);
        }
        Assert.Equal(0, (int)record["question_id"]!);
        var sample = set.Bench.Samples[0];
        Assert.Equal(EvalPrompts.For("RoboTracer", EvalTask.ThreeD, sample), (string?)record["final_prompt"]);
        Assert.StartsWith($"Point the 3D object-centric visual trace for the task \"{sample.Prompt}\".", (string?)record["final_prompt"], StringComparison.Ordinal);

        var request = query.Requests.First();
        Assert.True(request.RawPrompt);
        Assert.Equal(DepthEncoding._16Uc1, request.Depth.Encoding);
        Assert.Equal(320u * 240u * 2u, (uint)request.Depth.Data.Length);
        Assert.NotNull(request.Destination);
        Assert.Single(request.SceneHints);
        Assert.Equal(2 * SyntheticSetFixture.Samples, query.Asked.Count);
        Assert.Equal(SyntheticSetFixture.Samples, progress.Last().Done);
    }

    [Fact]
    public void General_VLM_prompt_names_object_and_destination()
    {
        var sample = set.Bench.Samples[0];

        var prompt = EvalPrompts.For("Gemini3Pro", EvalTask.TwoD, sample);

        Assert.StartsWith($"You are currently a robot performing robotic manipulation tasks. You have already pick up {sample.TargetObject}. The task instruction is: move {sample.TargetObject} to {sample.Destination}.", prompt, StringComparison.Ordinal);
        Assert.Contains("[[x1, y1], [x2, y2], ...]", prompt, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => EvalPrompts.For("GPT4O", EvalTask.TwoD, sample));
    }

    [Fact]
    public async Task The_geometric_backend_answers_every_sample_in_process()
    {
        var results = await EvalRunner.RunAsync(set.Bench, "RoboTracer_geometric", "3D", BackendTraceQuery.Create("geometric"), options: Options);

        Assert.Equal(0, results[0].Failed);
        var score = await EvalScorer.ScoreAsync(set.Bench, PredictionFile.ReadPredictions(results[0].OutputPath), EvalTask.ThreeD);
        Assert.Equal(SyntheticSetFixture.Samples, score.Scored);
        Assert.True(score["end_success"] >= 0.5, score.ToJson());
    }
}
