using System.Diagnostics;
using System.Runtime.CompilerServices;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using RoboTracer.Fleet.Bench.Harness;

namespace RoboTracer.Fleet.Bench.Grpc;

/// <summary>
/// Our client as the load generator: a fixed number of callers, each awaiting one unary call after another on a
/// single shared <see cref="GrpcChannel"/>, the way a service calls another. Counted like h2load: calls that
/// complete inside the measured window, after a warm-up on the same channel.
/// </summary>
internal static class ClientLoad
{
    private const int WarmingUp = 0;
    private const int Measuring = 1;
    private const int Stopped = 2;

    public static async Task<ClientLoadResult> RunAsync(string address, BytesValue request, int concurrency, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(address);
        var phase = new StrongBox<int>(WarmingUp);
        var callers = new Task<Caller>[concurrency];
        for (var i = 0; i < callers.Length; i++)
        {
            callers[i] = Task.Run(() => CallInLoopAsync(channel, request, phase, cancellationToken), cancellationToken);
        }

        TimeSpan elapsed;
        try
        {
            await Task.Delay(warmUp, cancellationToken);
            Volatile.Write(ref phase.Value, Measuring);
            var start = Stopwatch.GetTimestamp();
            await Task.Delay(duration, cancellationToken);
            Volatile.Write(ref phase.Value, Stopped);
            elapsed = Stopwatch.GetElapsedTime(start);
        }
        finally
        {
            Volatile.Write(ref phase.Value, Stopped);
        }
        var results = await Task.WhenAll(callers);

        if (results.FirstOrDefault(caller => caller.Error is not null) is { } failed)
        {
            throw new BenchmarkFailedException($"our client's call to {address} failed under load: {failed.Error}");
        }
        var latencies = results.SelectMany(caller => caller.Latencies).ToArray();
        if (latencies.Length == 0)
        {
            throw new BenchmarkFailedException($"our client completed no call to {address} in {duration.TotalSeconds:0} s.");
        }
        Array.Sort(latencies);
        return new ClientLoadResult(
            CallsPerSecond: latencies.Length / elapsed.TotalSeconds,
            Calls: latencies.Length,
            P50Ms: TicksToMs(Stats.Percentile(latencies, 50)),
            P99Ms: TicksToMs(Stats.Percentile(latencies, 99)));
    }

    private static async Task<Caller> CallInLoopAsync(GrpcChannel channel, BytesValue request, StrongBox<int> phase, CancellationToken cancellationToken)
    {
        var caller = new Caller();
        var options = new CallOptions(cancellationToken: cancellationToken);
        var invoker = channel.CreateCallInvoker();
        while (Volatile.Read(ref phase.Value) != Stopped)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var call = invoker.AsyncUnaryCall(EchoService.Unary, null, options, request);
                var response = await call;
                if (response.Value.Length != request.Value.Length)
                {
                    caller.Error = $"the echo has {response.Value.Length} bytes, not {request.Value.Length}";
                    return caller;
                }
            }
            catch (RpcException ex)
            {
                caller.Error = $"{ex.StatusCode}: {ex.Status.Detail}";
                return caller;
            }
            // A call is counted when it ends inside the measured window, as h2load counts requests.
            if (Volatile.Read(ref phase.Value) == Measuring)
            {
                caller.Latencies.Add(Stopwatch.GetTimestamp() - started);
            }
        }
        return caller;
    }

    private static double TicksToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private sealed class Caller
    {
        // Sized for a 10 s run at full speed, so the list does not grow (and allocate) while measuring.
        public List<long> Latencies { get; } = new(16 * 1024);

        public string? Error { get; set; }
    }
}
