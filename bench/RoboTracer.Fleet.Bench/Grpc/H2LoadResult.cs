namespace RoboTracer.Fleet.Bench.Grpc;

/// <summary>
/// What one h2load run measured: throughput and counts from its summary, latency spread from its "time for
/// request" line, and percentiles computed from its per-request log (h2load prints none).
/// </summary>
internal sealed record H2LoadResult(
    double RequestsPerSecond,
    long Succeeded,
    long Failed,
    long Errored,
    long TimedOut,
    long Status2xx,
    long StatusNot2xx,
    double MinMs,
    double MaxMs,
    double MeanMs,
    double SdMs,
    double P50Ms,
    double P99Ms,
    long Logged);
