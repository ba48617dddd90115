using RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Evaluation;

/// <summary>Sends one trace request to a model and returns its answer (the pool, an in-process backend, or a fake in tests).</summary>
public interface ITraceQuery
{
    /// <summary>Traces <paramref name="request"/>; throws when the model cannot answer.</summary>
    Task<TraceResponse> TraceAsync(TraceRequest request, CancellationToken cancellationToken);
}
