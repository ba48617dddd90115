using RoboTracer.Fleet.Domain.Traces;

namespace RoboTracer.Fleet.Grains.Tracing;

/// <summary>
/// Where task grains get spatial traces: the inference pool in production (an adapter over
/// <c>RoboTracer.Fleet.Inference.Pool.TracePool</c> that reads the frame's blobs and builds a <c>TraceRequest</c>),
/// a fake in tests. Declared here, where it is used (STYLE.md §4).
/// </summary>
public interface ISpatialTracer
{
    /// <summary>
    /// A trace for <paramref name="query"/>. Throws when the pool cannot answer; the task counts that as a failed
    /// attempt. The answer is validated before it reaches a robot, so an implementation need not.
    /// </summary>
    Task<SpatialTrace> TraceAsync(TraceQuery query, CancellationToken cancellationToken);
}
