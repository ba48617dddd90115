using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using RoboTracer.Fleet.Bench.Harness;
using RoboTracer.Fleet.Evaluation;

namespace RoboTracer.Fleet.Bench.Eval;

/// <summary>
/// <c>bench eval</c>: how fast <see cref="EvalScorer"/> scores TraceSpatial-Bench predictions, on all cores
/// (ours) against the same scorer on one thread (peer), on a synthetic set of <see cref="Samples"/> samples
/// (<see cref="BenchSetWriter.Make"/>) with the ground truth as the predictions. The headline is the 3D task (the
/// expensive one: object cloud, obstacle grid, collision sweep); 2D is reported beside it. Each measured call
/// loads every sample's files and scores it, as <c>fleet eval score</c> does. <c>--keep DIR</c> leaves the set and
/// the prediction files in RoboTracer's layout (<c>DIR/TraceSpatial-Bench</c>, <c>DIR/outputs</c>), so RoboTracer's
/// summarize_acc.py can be timed on the very same files (BENCHMARKS.md); the benchmark itself needs no Python.
/// </summary>
internal static class EvalBenchmarkCommand
{
    private const string Usage = "eval [--quick] [--keep DIR]";

    public const int Samples = 100;

    /// <summary>The model name of the prediction files: it must contain "RoboTracer" for the script to score them.</summary>
    public const string Model = "RoboTracer_GroundTruth";

    private const int Seed = 8;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var quick = args.Contains("--quick");
        var keep = BenchArgs.OptionValue(args, "--keep", Usage);
        var rounds = quick ? 1 : 5;
        var progress = new Progress("eval");
        var root = keep is not null ? Path.GetFullPath(keep) : Path.Combine(Path.GetTempPath(), "fleet-bench-eval-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        try
        {
            var started = Stopwatch.GetTimestamp();
            var bench = BenchSetWriter.Make(Path.Combine(root, "TraceSpatial-Bench"), Samples, Seed);
            progress.Report($"synthetic set of {bench.Samples.Count} samples written in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s: {bench.Root}");
            var outputs = Path.Combine(root, "outputs");
            var files = await GroundTruthPredictions.WriteAsync(bench, Model, outputs, cancellationToken);
            var predictions = files.ToDictionary(f => f.Key, f => PredictionFile.ReadPredictions(f.Value));

            var cores = Environment.ProcessorCount;
            var cpu = new CpuWatch(() => []);
            var measured = new MeasuredRun(cpu, progress, quick ? 1 : 4);
            // Priming: JIT and the file cache, unrecorded (one parallel pass per task; --quick primes 3D only, to stay
            // within its minute: writing the set takes most of it).
            foreach (var task in quick ? [EvalTask.ThreeD] : (EvalTask[])[EvalTask.ThreeD, EvalTask.TwoD])
            {
                await ScoreAsync(bench, predictions[task], task, cores, cancellationToken);
            }

            var results = new Dictionary<string, List<double>>
            {
                ["ours_3d"] = [], ["peer_3d"] = [], ["ours_2d"] = [], ["peer_2d"] = [],
            };
            var foreign = new List<double>();
            EvalScore? last3D = null;
            EvalScore? last2D = null;
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var (name, task, threads) in Contestants(cores))
                {
                    var ((rate, score), usage) = await measured.RunAsync($"round {round} {name}", () => ScoreAsync(bench, predictions[task], task, threads, cancellationToken));
                    results[name].Add(rate);
                    foreign.Add(usage.ForeignCores);
                    if (task == EvalTask.ThreeD)
                    {
                        last3D = score;
                    }
                    else
                    {
                        last2D = score;
                    }
                }
                progress.Report($"round {round}/{rounds}: 3D {results["ours_3d"][^1]:0.0} samples/s on {cores} threads vs {results["peer_3d"][^1]:0.0} on 1; 2D {results["ours_2d"][^1]:0.0} vs {results["peer_2d"][^1]:0.0}");
            }

            // The ground truth must score as the ground truth: otherwise the scorer measured is not the one we ship.
            if (last3D!["overall_success"] < 1 || last2D!["start_in_mask"] < 1 || last2D["end_in_bbox"] < 1)
            {
                throw new BenchmarkFailedException($"the ground truth did not score perfectly: 3D {last3D.ToJson()}, 2D {last2D!.ToJson()}");
            }

            var ours = Stats.Median(results["ours_3d"]);
            var peer = Stats.Median(results["peer_3d"]);
            var ours2D = Stats.Median(results["ours_2d"]);
            var peer2D = Stats.Median(results["peer_2d"]);
            var report = new JsonObject
            {
                ["bench"] = "eval",
                ["ours"] = Math.Round(ours, 1),
                ["peer"] = Math.Round(peer, 1),
                ["ratio"] = Math.Round(ours / peer, 2),
                ["unit"] = "samples/s",
                ["task"] = "3D",
                ["ours_2d"] = Math.Round(ours2D, 1),
                ["peer_2d"] = Math.Round(peer2D, 1),
                ["ratio_2d"] = Math.Round(ours2D / peer2D, 2),
                ["samples"] = bench.Samples.Count,
                ["threads"] = cores,
                ["cores"] = cores,
                ["score_3d"] = JsonNode.Parse(last3D.ToJson()),
                ["score_2d"] = JsonNode.Parse(last2D.ToJson()),
                ["quick"] = quick,
                ["runs"] = rounds,
                ["others_cpu_max"] = Math.Round(foreign.Max(), 2),
                ["per_run"] = new JsonObject
                {
                    ["ours"] = Stats.PerRun(results["ours_3d"], 1),
                    ["peer"] = Stats.PerRun(results["peer_3d"], 1),
                    ["ours_2d"] = Stats.PerRun(results["ours_2d"], 1),
                    ["peer_2d"] = Stats.PerRun(results["peer_2d"], 1),
                },
            };
            if (keep is not null)
            {
                report["kept"] = root;
            }
            Console.WriteLine(report.ToJsonString());
            return RootCommand.Success;
        }
        finally
        {
            if (keep is null && Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static IEnumerable<(string Name, EvalTask Task, int Threads)> Contestants(int cores) =>
    [
        ("ours_3d", EvalTask.ThreeD, cores),
        ("peer_3d", EvalTask.ThreeD, 1),
        ("ours_2d", EvalTask.TwoD, cores),
        ("peer_2d", EvalTask.TwoD, 1),
    ];

    /// <summary>Scores every sample once; samples per second, and the score (checked by the caller).</summary>
    private static async Task<(double Rate, EvalScore Score)> ScoreAsync(
        BenchSet bench, IReadOnlyDictionary<string, string?> predictions, EvalTask task, int threads, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var score = await EvalScorer.ScoreAsync(bench, predictions, task, threads, cancellationToken);
        return (score.Samples / Stopwatch.GetElapsedTime(started).TotalSeconds, score);
    }
}
