using System.Globalization;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Evaluation;

namespace RoboTracer.Fleet.Bench.Eval;

/// <summary>
/// Prediction files whose answers are the ground truth, written by <see cref="EvalRunner"/> (the code behind
/// <c>fleet eval run</c>) so that they are in RoboTracer's output format line for line: a perfect model's run.
/// 3D answers are RoboTracer tuples (x, y on 0–1000, depth in metres); 2D answers the same without the depth.
/// </summary>
internal sealed class GroundTruthPredictions(BenchSet bench) : ITraceQuery
{
    /// <summary>Writes <c>{model}_3D.jsonl</c> and <c>{model}_2D.jsonl</c> under <paramref name="outputs"/>; their paths by task.</summary>
    public static async Task<IReadOnlyDictionary<EvalTask, string>> WriteAsync(BenchSet bench, string model, string outputs, CancellationToken cancellationToken)
    {
        var results = await EvalRunner.RunAsync(
            bench, model, "all", new GroundTruthPredictions(bench), concurrency: Environment.ProcessorCount,
            options: new EvalRunOptions { OutputDirectory = outputs, RedoEmpty = true }, cancellationToken: cancellationToken);
        var failed = results.Sum(r => r.Failed);
        if (failed > 0)
        {
            throw new Harness.BenchmarkFailedException($"{failed} ground-truth predictions could not be written");
        }
        return results.ToDictionary(r => r.Task, r => r.OutputPath);
    }

    public Task<TraceResponse> TraceAsync(TraceRequest request, CancellationToken cancellationToken)
    {
        // EvalRunner names each request {model}_{task}_{sample id}; sample ids may contain '_', the prefix may not.
        var parts = request.RequestId.Split('_');
        var task = request.Output == TraceOutput._2D ? EvalTask.TwoD : EvalTask.ThreeD;
        var id = string.Join('_', parts.SkipWhile(p => p != task.Name()).Skip(1));
        var sample = bench.Samples.Single(s => s.Id == id);
        var intrinsics = bench.LoadData(sample).Intrinsics;
        var answer = task == EvalTask.ThreeD
            ? BenchSetWriter.GroundTruthAnswer(sample, intrinsics)
            : "[" + string.Join(", ", sample.Trajectory.Select(p =>
            {
                var pixel = SceneGeometry.Project(p, intrinsics);
                return string.Create(CultureInfo.InvariantCulture, $"({pixel.X / intrinsics.Width * 1000:R}, {pixel.Y / intrinsics.Height * 1000:R})");
            })) + "]";
        return Task.FromResult(new TraceResponse { RawAnswer = answer });
    }
}
