using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using RoboTracer.Fleet.Bench.Harness;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Inference.Backends.Onnx;
using RoboTracer.Fleet.Inference.Worker;
using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Bench.Onnx;

/// <summary>
/// <c>bench onnx</c>: the onnx backend on a convolutional model of the 1×3×224×224 class (tests/peers/onnx_models.py
/// <c>conv</c>: three stride-2 3×3 convolutions of 32, 64 and 128 channels, global pooling, a head to 10 normalised
/// points; ≈ 0.13 GMAC per image; written by Debian's python3-onnx for each run), on the CPU. Ours: the batcher's
/// batch of <see cref="Batch"/> requests as one stacked run (<see cref="OnnxBackend.TraceBatchAsync"/> with all of
/// them); peer: the same requests one call each, as a model with a batch dimension of 1 runs them. The whole backend
/// path is measured (PNG decode, tensor fill, run, conversion) on the same decoded-once requests, in the same
/// process, taking turns round by round. Throughput, latency per call and managed bytes allocated per call.
/// </summary>
internal static class OnnxBenchmarkCommand
{
    public const int Batch = 8;
    private const int Size = 224;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var quick = args.Contains("--quick");
        var rounds = quick ? 1 : 3;
        var duration = TimeSpan.FromSeconds(quick ? 3 : 8);
        var progress = new Progress("onnx");
        var directory = Directory.CreateTempSubdirectory("fleet-bench-onnx-").FullName;
        try
        {
            var model = await WriteModelAsync(directory, cancellationToken);
            var options = new OnnxBackendOptions { ModelPath = model, ExecutionProvider = OnnxExecutionProvider.Cpu };
            using var backend = new OnnxBackend(options, NullLogger.Instance);
            await backend.WarmUpAsync(cancellationToken);
            if (!backend.StacksBatches)
            {
                throw new BenchmarkFailedException("the conv model's batch dimension is not dynamic: nothing to compare.");
            }
            var jobs = Enumerable.Range(0, Batch).Select(Job).ToList();
            progress.Report($"model {model} on {backend.ExecutionProvider}, {Environment.ProcessorCount} cores; batch of {Batch} {Size}x{Size} PNG requests");

            // Priming (JIT, ONNX Runtime's arenas, the input buffers), unrecorded; and the check that the two ways agree.
            var stacked = await backend.TraceBatchAsync(jobs, cancellationToken);
            var alone = new List<TraceResult>();
            foreach (var job in jobs)
            {
                alone.Add((await backend.TraceBatchAsync([job], cancellationToken))[0]);
            }
            var difference = MaxDifference(stacked, alone);
            if (difference > 1e-3)
            {
                throw new BenchmarkFailedException($"a stacked batch and its items run one by one disagree by {difference} px.");
            }

            var measured = new MeasuredRun(new CpuWatch(() => []), progress, quick ? 1 : 4);
            var ours = new List<Run>();
            var peer = new List<Run>();
            var foreign = new List<double>();
            for (var round = 1; round <= rounds; round++)
            {
                var (batched, batchedCpu) = await measured.RunAsync($"round {round} batched", () => MeasureAsync(backend, [jobs], duration, cancellationToken));
                var (single, singleCpu) = await measured.RunAsync($"round {round} one at a time", () => MeasureAsync(backend, jobs.Select(job => (IReadOnlyList<TraceJob>)[job]).ToList(), duration, cancellationToken));
                ours.Add(batched);
                peer.Add(single);
                foreign.Add(Math.Max(batchedCpu.ForeignCores, singleCpu.ForeignCores));
                progress.Report($"round {round}/{rounds}: batched {batched.ItemsPerSecond:0.0} items/s ({batched.MedianCallMs:0.00} ms per call of {Batch}), one at a time {single.ItemsPerSecond:0.0} items/s ({single.MedianCallMs:0.00} ms per call)");
            }

            double Median(List<Run> runs, Func<Run, double> value) => Stats.Median(runs.Select(value));
            var oursRate = Median(ours, r => r.ItemsPerSecond);
            var peerRate = Median(peer, r => r.ItemsPerSecond);
            var report = new JsonObject
            {
                ["bench"] = "onnx",
                ["ours"] = Math.Round(oursRate, 1),
                ["peer"] = Math.Round(peerRate, 1),
                ["ratio"] = Math.Round(oursRate / peerRate, 2),
                ["unit"] = "items/s",
                ["batch"] = Batch,
                ["ours_ms_per_call"] = Math.Round(Median(ours, r => r.MedianCallMs), 2),
                ["peer_ms_per_call"] = Math.Round(Median(peer, r => r.MedianCallMs), 2),
                ["ours_ms_per_item"] = Math.Round(Median(ours, r => r.MedianCallMs) / Batch, 2),
                ["ours_bytes_per_call"] = Math.Round(Median(ours, r => r.BytesPerCall)),
                ["peer_bytes_per_call"] = Math.Round(Median(peer, r => r.BytesPerCall)),
                ["ours_bytes_per_item"] = Math.Round(Median(ours, r => r.BytesPerCall) / Batch),
                ["model"] = $"conv 3x{Size}x{Size} to 10x2 (3 stride-2 3x3 convs 32/64/128, 0.13 GMAC/image)",
                ["execution_provider"] = backend.ExecutionProvider,
                ["intra_op_threads"] = "default",
                ["cores"] = Environment.ProcessorCount,
                ["max_difference_px"] = difference,
                ["quick"] = quick,
                ["runs"] = rounds,
                ["seconds_per_run"] = duration.TotalSeconds,
                ["others_cpu_max"] = Math.Round(foreign.Max(), 2),
                ["per_run"] = new JsonObject
                {
                    ["ours"] = Stats.PerRun(ours.Select(r => r.ItemsPerSecond), 1),
                    ["peer"] = Stats.PerRun(peer.Select(r => r.ItemsPerSecond), 1),
                },
            };
            Console.WriteLine(report.ToJsonString());
            return RootCommand.Success;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Items per second, the median call's duration and the managed bytes allocated per call.</summary>
    private sealed record Run(double ItemsPerSecond, double MedianCallMs, double BytesPerCall);

    /// <summary>
    /// Calls <paramref name="calls"/> in turn, round and round, for <paramref name="duration"/>. Bytes are counted on
    /// the calling thread: a call runs there from start to end (the session is free, so nothing awaits), and ONNX
    /// Runtime's own threads allocate no managed memory. The process-wide count is no use here: under the server GC
    /// it went backwards between two samples in a test run.
    /// </summary>
    private static async Task<Run> MeasureAsync(OnnxBackend backend, List<IReadOnlyList<TraceJob>> calls, TimeSpan duration, CancellationToken cancellationToken)
    {
        var times = new List<double>();
        var items = 0;
        long bytes = 0;
        var counted = 0;
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < duration)
        {
            foreach (var call in calls)
            {
                var thread = Environment.CurrentManagedThreadId;
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var before = Stopwatch.GetTimestamp();
                var results = await backend.TraceBatchAsync(call, cancellationToken);
                times.Add(Stopwatch.GetElapsedTime(before).TotalMilliseconds);
                if (Environment.CurrentManagedThreadId == thread)
                {
                    bytes += GC.GetAllocatedBytesForCurrentThread() - allocated;
                    counted++;
                }
                if (results.Any(r => r.Response is null))
                {
                    throw new BenchmarkFailedException($"the backend failed a call: {results.First(r => r.Response is null).Error}");
                }
                items += call.Count;
            }
        }
        if (counted == 0)
        {
            throw new BenchmarkFailedException("no call ran on one thread from start to end: its allocations could not be counted.");
        }
        return new Run(items / Stopwatch.GetElapsedTime(started).TotalSeconds, Stats.Median(times), (double)bytes / counted);
    }

    /// <summary>Request <paramref name="seed"/>: a 224×224 PNG of seeded noise, validated as the worker validates it.</summary>
    private static TraceJob Job(int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[Size * Size * 3];
        random.NextBytes(pixels);
        var request = new TraceRequest
        {
            Instruction = "put the cup in the sink",
            Image = new Image { Data = ByteString.CopyFrom(new RgbImage(Size, Size, pixels).ToPng()), MediaType = "image/png" },
            Output = TraceOutput._2D,
            Backend = "onnx",
        };
        return new TraceJob(request, TraceRequestValidator.Validate(request, ["onnx"]));
    }

    private static double MaxDifference(IReadOnlyList<TraceResult> a, IReadOnlyList<TraceResult> b) =>
        a.Zip(b).SelectMany(pair => pair.First.Response!.Points2D.Zip(pair.Second.Response!.Points2D, (p, q) => Math.Max(Math.Abs(p.X - q.X), Math.Abs(p.Y - q.Y)))).Max();

    /// <summary>Writes the conv model with tests/peers/onnx_models.py (Debian's python3-onnx).</summary>
    private static async Task<string> WriteModelAsync(string directory, CancellationToken cancellationToken)
    {
        var script = Path.Combine(RepositoryPaths.Root, "tests", "peers", "onnx_models.py");
        var start = new ProcessStartInfo("/usr/bin/python3") { ArgumentList = { script, directory, "conv" }, RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new BenchmarkFailedException($"/usr/bin/python3 cannot run ({ex.Message}): install Debian's python3-onnx.");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = await process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new BenchmarkFailedException($"onnx_models.py failed (is python3-onnx installed? apt-get install python3-onnx): {stderr.Trim()}");
            }
            var written = JsonSerializer.Deserialize<string[]>((await stdout).Trim().Split('\n')[^1]) ?? [];
            return written.Single(path => path.EndsWith("conv.onnx", StringComparison.Ordinal));
        }
    }
}
