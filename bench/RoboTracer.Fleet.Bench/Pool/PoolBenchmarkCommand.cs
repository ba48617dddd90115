using System.Diagnostics;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Bench.Harness;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference;
using RoboTracer.Fleet.Inference.Pool;

namespace RoboTracer.Fleet.Bench.Pool;

/// <summary>
/// <c>bench pool</c>: two pool workers with the simulated batched backend (a batch of n costs a + b·n: a = 20 ms,
/// b = 2 ms, at most 16 per batch), driven through <see cref="TracePool"/> over real gRPC. Throughput at saturation
/// against the ideal (workers × max batch ÷ (a + b·max batch)), and p99 latency under open-loop load at 50% and
/// 80% of that ideal against a single call on an idle pool. The backend sleeps instead of computing, so the
/// workers share this process without taking CPU from each other.
/// </summary>
internal static class PoolBenchmarkCommand
{
    /// <summary>The goals (issue 14): at least 90% of the ideal throughput; p99 at 80% load at most 2.4 × a single call.</summary>
    private const double RatioGoal = 0.9;
    private const double LatencyGoal = 2.4;

    private const int Workers = 2;
    private const int MaxBatch = 16;
    private static readonly TimeSpan FixedCost = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan PerItemCost = TimeSpan.FromMilliseconds(2);

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var quick = args.Contains("--quick");
        var duration = TimeSpan.FromSeconds(quick ? 4 : 10);
        var rounds = quick ? 1 : 3;
        var progress = new Progress("pool");
        var ideal = Workers * MaxBatch / (FixedCost + (PerItemCost * MaxBatch)).TotalSeconds;

        var hosts = new List<WebApplication>();
        try
        {
            for (var i = 0; i < Workers; i++)
            {
                hosts.Add(await StartWorkerAsync(i, cancellationToken));
            }
            var addresses = hosts.Select(h => h.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).ToList();
            await using var pool = new TracePool(new TracePoolOptions { Workers = addresses, DefaultTimeout = TimeSpan.FromSeconds(30) });
            var request = Request();
            progress.Report($"{Workers} workers (a = {FixedCost.TotalMilliseconds} ms, b = {PerItemCost.TotalMilliseconds} ms, max batch {MaxBatch}); ideal {ideal:0} traces/s");

            // Priming: JIT, connections, health watches.
            await SaturateAsync(pool, request, TimeSpan.FromSeconds(2), cancellationToken);
            var single = await SingleCallAsync(pool, request, quick ? 10 : 30, cancellationToken);
            progress.Report($"single call on an idle pool: median {single:0.0} ms");

            using var batches = new BatchSizes();
            var batchSaturated = new List<double>();
            var batchAt80 = new List<double>();
            var saturated = new List<double>();
            var p99At50 = new List<double>();
            var p99At80 = new List<double>();
            for (var round = 1; round <= rounds; round++)
            {
                batches.Reset();
                var rate = await SaturateAsync(pool, request, duration, cancellationToken);
                saturated.Add(rate);
                batchSaturated.Add(batches.Reset());
                var at50 = await OpenLoopAsync(pool, request, 0.5 * ideal, duration, cancellationToken);
                p99At50.Add(at50);
                batches.Reset();
                var at80 = await OpenLoopAsync(pool, request, 0.8 * ideal, duration, cancellationToken);
                p99At80.Add(at80);
                batchAt80.Add(batches.Reset());
                progress.Report($"round {round}/{rounds}: saturation {rate:0} traces/s (mean batch {batchSaturated[^1]:0.0}), p99 at 50% {at50:0.0} ms, at 80% {at80:0.0} ms (mean batch {batchAt80[^1]:0.0}; {at80 / single:0.00} x single)");
            }

            var ours = Stats.Median(saturated);
            var p99Eighty = Stats.Median(p99At80);
            var report = new JsonObject
            {
                ["bench"] = "pool",
                ["ours"] = Math.Round(ours, 1),
                ["ideal"] = Math.Round(ideal, 1),
                ["ratio"] = Math.Round(ours / ideal, 3),
                ["unit"] = "traces/s",
                ["single_call_ms"] = Math.Round(single, 1),
                ["p99_at_50_ms"] = Math.Round(Stats.Median(p99At50), 1),
                ["p99_at_80_ms"] = Math.Round(p99Eighty, 1),
                ["p99_at_80_over_single"] = Math.Round(p99Eighty / single, 2),
                ["ratio_goal_met"] = ours / ideal >= RatioGoal,
                ["latency_goal_met"] = p99Eighty <= LatencyGoal * single,
                ["mean_batch_saturated"] = Math.Round(Stats.Median(batchSaturated), 1),
                ["mean_batch_at_80"] = Math.Round(Stats.Median(batchAt80), 1),
                ["workers"] = Workers,
                ["max_batch"] = MaxBatch,
                ["a_ms"] = FixedCost.TotalMilliseconds,
                ["b_ms"] = PerItemCost.TotalMilliseconds,
                ["quick"] = quick,
                ["runs"] = rounds,
                ["per_run"] = new JsonObject
                {
                    ["ours"] = Stats.PerRun(saturated, 1),
                    ["p99_at_50_ms"] = Stats.PerRun(p99At50, 1),
                    ["p99_at_80_ms"] = Stats.PerRun(p99At80, 1),
                },
            };
            Console.WriteLine(report.ToJsonString());
            return RootCommand.Success;
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.StopAsync(CancellationToken.None);
                await host.DisposeAsync();
            }
        }
    }

    /// <summary>The workers' batch sizes (their <c>fleet.inference.batch.size</c> histogram) since the last reset.</summary>
    private sealed class BatchSizes : IDisposable
    {
        private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
        private long _batches;
        private long _requests;

        public BatchSizes()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == Inference.Batching.InferenceMetrics.MeterName && instrument.Name == "fleet.inference.batch.size")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<int>((_, size, _, _) =>
            {
                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _requests, size);
            });
            _listener.Start();
        }

        /// <summary>The mean batch size since the last reset, and starts counting again.</summary>
        public double Reset()
        {
            var batches = Interlocked.Exchange(ref _batches, 0);
            var requests = Interlocked.Exchange(ref _requests, 0);
            return batches == 0 ? 0 : (double)requests / batches;
        }

        public void Dispose() => _listener.Dispose();
    }

    private static async Task<WebApplication> StartWorkerAsync(int index, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
            ["Inference:WorkerId"] = $"bench-worker-{index}",
            ["Inference:DefaultBackend"] = "simulated",
            ["Inference:Backends:simulated:FixedLatency"] = FixedCost.ToString(),
            ["Inference:Backends:simulated:PerItemLatency"] = PerItemCost.ToString(),
            ["Inference:Backends:simulated:Batching:MaxBatchSize"] = MaxBatch.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Inference:Backends:simulated:Batching:MaxQueueDelay"] = "00:00:00.002",
            ["Inference:Backends:simulated:Batching:QueueCapacity"] = "100000",
        });
        builder.AddInferenceWorker();
        var app = builder.Build();
        app.MapInferenceWorker();
        await app.StartAsync(cancellationToken);
        return app;
    }

    private static TraceRequest Request()
    {
        const int width = 64;
        const int height = 48;
        var png = Vision.ImageCodec.EncodePngRgb8(new byte[width * height * 3], width, height);
        return new TraceRequest
        {
            Instruction = "pick up the red cup and place it on the plate",
            Image = new Image { Data = ByteString.CopyFrom(png), MediaType = "image/png" },
            Output = TraceOutput._2D,
        };
    }

    private static async Task<double> SingleCallAsync(TracePool pool, TraceRequest request, int calls, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        for (var i = 0; i < calls; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await pool.TraceAsync(request, cancellationToken: cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return Stats.Median(latencies);
    }

    /// <summary>Closed loop with enough callers to keep every batch full; completed traces per second.</summary>
    private static async Task<double> SaturateAsync(TracePool pool, TraceRequest request, TimeSpan duration, CancellationToken cancellationToken)
    {
        var callers = Workers * MaxBatch * 3;
        long completed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        stop.CancelAfter(duration);
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await pool.TraceAsync(request, cancellationToken: cancellationToken);
                Interlocked.Increment(ref completed);
            }
        }, cancellationToken)));
        return Interlocked.Read(ref completed) / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>
    /// Open loop: calls start on a fixed schedule at <paramref name="rate"/> per second whether or not earlier ones
    /// finished (as robots ask, independently), so queueing shows in the latency; returns the p99 in ms.
    /// </summary>
    private static async Task<double> OpenLoopAsync(TracePool pool, TraceRequest request, double rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new long[total];
        var calls = new List<Task>(total);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            var wait = due - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, cancellationToken);
            }
            var slot = i;
            calls.Add(Task.Run(async () =>
            {
                var began = Stopwatch.GetTimestamp();
                await pool.TraceAsync(request, cancellationToken: cancellationToken);
                latencies[slot] = Stopwatch.GetElapsedTime(began).Ticks;
            }, cancellationToken));
        }
        await Task.WhenAll(calls);
        Array.Sort(latencies);
        return TimeSpan.FromTicks(Stats.Percentile(latencies, 99)).TotalMilliseconds;
    }
}
