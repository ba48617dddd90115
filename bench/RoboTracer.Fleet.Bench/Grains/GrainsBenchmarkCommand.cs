using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using RoboTracer.Fleet.Bench.Harness;

namespace RoboTracer.Fleet.Bench.Grains;

/// <summary>
/// <c>bench grains</c>: request/response calls to 10,000 Orleans grains of one silo (hosted in this process, as the
/// orchestrator hosts its silo, and called through its grain factory) from 2 × cores callers, against the same traffic on
/// a raw <see cref="Channel{T}"/> ping-pong (10,000 single-reader channels, each drained by its own loop, replies
/// through a TaskCompletionSource) — what a mailbox costs at the least. Also the cost of an activation (first call
/// to a key) and the memory an idle activation keeps.
/// </summary>
internal static class GrainsBenchmarkCommand
{
    private const int Grains = 10_000;

    /// <summary>The goal (issue 15): Orleans grain calls at least a quarter of raw channel ping-pong.</summary>
    private const double RatioGoal = 0.25;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var quick = args.Contains("--quick");
        var duration = TimeSpan.FromSeconds(quick ? 3 : 8);
        var rounds = quick ? 1 : 3;
        var callers = 2 * Environment.ProcessorCount;
        var progress = new Progress("grains");

        using var host = await StartSiloAsync(cancellationToken);
        var factory = host.Services.GetRequiredService<IGrainFactory>();
        var grains = Enumerable.Range(0, Grains).Select(i => factory.GetGrain<IPingGrain>($"ping-{i}")).ToArray();

        // Activation: the first call to each key creates its activation; memory is measured around it.
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var started = Stopwatch.GetTimestamp();
        foreach (var grain in grains)
        {
            await grain.PingAsync(0);
        }
        var activationUs = Stopwatch.GetElapsedTime(started).TotalMicroseconds / Grains;
        var bytesPerActivation = (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)Grains;
        progress.Report($"{Grains} activations: {activationUs:0.0} µs each (first call included), {bytesPerActivation:0} bytes each when idle");

        await using var peer = new ChannelActors(Grains);
        var ours = new List<double>();
        var raw = new List<double>();
        await MeasureAsync(i => grains[i].PingAsync(i), callers, TimeSpan.FromSeconds(1), cancellationToken);
        await MeasureAsync(peer.PingAsync, callers, TimeSpan.FromSeconds(1), cancellationToken);
        for (var round = 1; round <= rounds; round++)
        {
            var grainRate = await MeasureAsync(i => grains[i].PingAsync(i), callers, duration, cancellationToken);
            var channelRate = await MeasureAsync(peer.PingAsync, callers, duration, cancellationToken);
            ours.Add(grainRate);
            raw.Add(channelRate);
            progress.Report($"round {round}/{rounds}: grains {grainRate:0} calls/s, raw channels {channelRate:0} calls/s");
        }

        var oursRate = Stats.Median(ours);
        var peerRate = Stats.Median(raw);
        var report = new JsonObject
        {
            ["bench"] = "grains",
            ["ours"] = Math.Round(oursRate),
            ["peer"] = Math.Round(peerRate),
            ["ratio"] = Math.Round(oursRate / peerRate, 3),
            ["unit"] = "calls/s",
            ["ratio_goal_met"] = oursRate / peerRate >= RatioGoal,
            ["grains"] = Grains,
            ["callers"] = callers,
            ["activation_us"] = Math.Round(activationUs, 2),
            ["bytes_per_idle_activation"] = Math.Round(bytesPerActivation),
            ["quick"] = quick,
            ["runs"] = rounds,
            ["per_run"] = new JsonObject
            {
                ["ours"] = Stats.PerRun(ours),
                ["peer"] = Stats.PerRun(raw),
            },
        };
        Console.WriteLine(report.ToJsonString());
        await host.StopAsync(CancellationToken.None);
        return RootCommand.Success;
    }

    /// <summary>One silo on loopback, warnings and up on stderr; activations live through the measurement.</summary>
    private static async Task<IHost> StartSiloAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort());
            silo.Services.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromHours(1));
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Each caller calls random keys back to back for <paramref name="duration"/>; completed calls per second.</summary>
    private static async Task<double> MeasureAsync(Func<int, Task<long>> call, int callers, TimeSpan duration, CancellationToken cancellationToken)
    {
        long completed = 0;
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, callers).Select(seed => Task.Run(async () =>
        {
            var random = new Random(seed);
            long local = 0;
            while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
            {
                await call(random.Next(Grains));
                local++;
            }
            Interlocked.Add(ref completed, local);
        }, cancellationToken)));
        return completed / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>The peer: one channel and one reading loop per key, the bare shape of a mailbox.</summary>
    private sealed class ChannelActors : IAsyncDisposable
    {
        private readonly Channel<(long Value, TaskCompletionSource<long> Reply)>[] _mailboxes;
        private readonly Task[] _loops;

        public ChannelActors(int count)
        {
            _mailboxes = new Channel<(long, TaskCompletionSource<long>)>[count];
            _loops = new Task[count];
            for (var i = 0; i < count; i++)
            {
                var mailbox = Channel.CreateUnbounded<(long Value, TaskCompletionSource<long> Reply)>(new UnboundedChannelOptions { SingleReader = true });
                _mailboxes[i] = mailbox;
                _loops[i] = Task.Run(async () =>
                {
                    long calls = 0;
                    await foreach (var (value, reply) in mailbox.Reader.ReadAllAsync())
                    {
                        reply.SetResult(value + ++calls);
                    }
                });
            }
        }

        public Task<long> PingAsync(int key)
        {
            var reply = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            _mailboxes[key].Writer.TryWrite((key, reply));
            return reply.Task;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var mailbox in _mailboxes)
            {
                mailbox.Writer.TryComplete();
            }
            await Task.WhenAll(_loops);
        }
    }
}
