namespace RoboTracer.Fleet.Bench.Grpc;

/// <summary>How long and how hard the grpc benchmark drives each server.</summary>
/// <param name="Quick">The <c>--quick</c> shape (reported in the result line).</param>
/// <param name="Runs">Measured runs per server; the median is reported.</param>
/// <param name="PrimingRun">One unrecorded run per server before the first measured one (JIT tiering, pools).</param>
/// <param name="Load">The h2load shape of every measured run.</param>
/// <param name="ClientConcurrency">Calls our client keeps in flight on one channel.</param>
/// <param name="Repeats">
/// How many measured runs, in all, may be repeated because other processes took CPU while they ran
/// (<see cref="Harness.MeasuredRun"/>).
/// </param>
internal sealed record GrpcBenchSettings(bool Quick, int Runs, TimeSpan PrimingRun, H2LoadSettings Load, int ClientConcurrency, int Repeats)
{
    /// <summary>
    /// 8 connections × 32 streams = 256 calls in flight from one h2load thread: enough to keep a server on 2 cores
    /// busy (a short sweep of 4×16, 8×32, 16×32 and 8×64 put 8×32 at or near the top; the machine was too noisy
    /// to rank them finely), while one h2load thread leaves the rest of the machine to the server.
    /// </summary>
    private const int Connections = 8;
    private const int Streams = 32;

    /// <summary>Our client's calls in flight: 64 on one channel, i.e. one HTTP/2 connection (below Kestrel's 100 streams).</summary>
    private const int ClientCalls = 64;

    /// <summary>Bytes in the echoed BytesValue.</summary>
    public const int PayloadSize = 64;

    public static GrpcBenchSettings Full { get; } = new(
        Quick: false,
        Runs: 3,
        PrimingRun: TimeSpan.FromSeconds(5),
        Load: new H2LoadSettings(Connections, Streams, Threads: 1, WarmUp: TimeSpan.FromSeconds(2), Duration: TimeSpan.FromSeconds(10)),
        ClientConcurrency: ClientCalls,
        Repeats: 4);

    /// <summary>Fits in 60 s with start-up: one short run each, at most one of them repeated.</summary>
    public static GrpcBenchSettings QuickRun { get; } = new(
        Quick: true,
        Runs: 1,
        PrimingRun: TimeSpan.FromSeconds(2),
        Load: new H2LoadSettings(Connections, Streams, Threads: 1, WarmUp: TimeSpan.FromSeconds(1), Duration: TimeSpan.FromSeconds(3)),
        ClientConcurrency: ClientCalls,
        Repeats: 1);
}
