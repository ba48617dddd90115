using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using RoboTracer.Fleet.Bench.Harness;
using RoboTracer.Fleet.Evaluation;
using RoboTracer.Fleet.Testing;
using RoboTracer.Fleet.Testing.Fuzzing;

namespace RoboTracer.Fleet.Bench.Fuzz;

/// <summary>
/// <c>bench fuzz [--cases N] [--seed S]</c>: the fuzz surfaces of the tests (tests/RoboTracer.Fleet.Testing/Fuzzing) at
/// scale, <see cref="DefaultCases"/> cases each (100 with <c>--quick</c>): REST bodies, queries and headers and
/// RobotLink sessions against an orchestrator and pool worker in this process (SQLite), and damaged TraceSpatial-Bench
/// folders against the reader. Not a speed race: the result is how many cases each surface ran without breaking a
/// rule, against the ten thousand asked for (<c>ideal</c>); a broken rule prints the smallest failing case and exits 1.
/// </summary>
internal static class FuzzBenchmarkCommand
{
    private const string Usage = "fuzz [--quick] [--cases N] [--seed S]";

    public const long DefaultCases = 10_000;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var quick = args.Contains("--quick");
        var cases = BenchArgs.OptionValue(args, "--cases", Usage) is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : quick ? 100 : DefaultCases;
        var seed = BenchArgs.OptionValue(args, "--seed", Usage);
        var progress = new Progress("fuzz");
        var counts = new JsonObject();
        var seconds = new JsonObject();
        var directory = Path.Combine(Path.GetTempPath(), "fleet-bench-fuzz-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        try
        {
            await using (var worker = await InferenceWorker.StartAsync())
            await using (var host = await OrchestratorHost.StartAsync(worker.GrpcAddress, Store.Sqlite(Path.Combine(directory, "fleet.db"))))
            {
                foreach (var surface in RestFuzz.Surfaces.Keys)
                {
                    var started = Stopwatch.GetTimestamp();
                    var statuses = await RestFuzz.RunAsync(host, surface, cases, seed);
                    Record(surface, statuses.ToDictionary(s => s.Key.ToString(CultureInfo.InvariantCulture), s => s.Value), started);
                }
                var linkStarted = Stopwatch.GetTimestamp();
                var endings = await RobotLinkFuzz.RunAsync(host, cases, seed);
                Record("robotlink", endings.ToDictionary(e => e.Key.ToString(), e => e.Value), linkStarted);
            }
            var template = Path.Combine(directory, "bench-set");
            BenchSetWriter.Make(template, 2, seed: 5, new Vision.Scenes.TabletopSceneOptions { Width = 320, Height = 240 });
            var benchStarted = Stopwatch.GetTimestamp();
            Record("bench_files", await BenchFileFuzz.RunAsync(template, cases, seed), benchStarted);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        var ran = counts.Select(c => c.Value!.AsObject().Sum(s => s.Value!.GetValue<int>())).Min();
        Console.WriteLine(new JsonObject
        {
            ["bench"] = "fuzz",
            ["ours"] = ran,
            ["ideal"] = cases,
            ["ratio"] = Math.Round((double)ran / cases, 3),
            ["unit"] = "cases per surface without a broken rule (the fewest of any surface)",
            ["failures"] = 0,
            ["outcomes"] = counts,
            ["seconds"] = seconds,
            ["quick"] = quick,
        }.ToJsonString());
        return 0;

        void Record<TKey>(string surface, IReadOnlyDictionary<TKey, int> outcomes, long started) where TKey : notnull
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            counts[surface] = new JsonObject(outcomes.OrderBy(o => o.Key.ToString(), StringComparer.Ordinal).Select(o => KeyValuePair.Create(o.Key.ToString()!, (JsonNode?)o.Value)));
            seconds[surface] = Math.Round(elapsed, 1);
            progress.Report($"{surface}: {outcomes.Values.Sum()} cases in {elapsed:0.0} s, no rule broken ({string.Join(", ", outcomes.Select(o => $"{o.Key}×{o.Value}"))})");
        }
    }
}
