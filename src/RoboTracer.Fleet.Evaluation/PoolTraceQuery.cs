using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Pool;

namespace RoboTracer.Fleet.Evaluation;

/// <summary>Queries through the inference pool client; each request gets <paramref name="timeout"/> (the pool's default when null).</summary>
/// <param name="pool">The pool; the caller owns it.</param>
/// <param name="timeout">Per-request deadline.</param>
public sealed class PoolTraceQuery(TracePool pool, TimeSpan? timeout = null) : ITraceQuery
{
    /// <inheritdoc />
    public Task<TraceResponse> TraceAsync(TraceRequest request, CancellationToken cancellationToken) =>
        pool.TraceAsync(request, timeout is { } t ? DateTime.UtcNow + t : null, cancellationToken);
}
