using Grpc.Core;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Worker;

namespace RoboTracer.Fleet.Inference.Backends;

/// <summary>
/// A trace model behind the worker. Backends take batches: a GPU model serves n requests in one forward pass for
/// little more than the cost of one, which is what dynamic batching exploits. A backend that cannot batch
/// (a remote HTTP model) serves the batch's jobs concurrently.
/// </summary>
public interface ITraceBackend
{
    /// <summary>The name requests select it by, e.g. "geometric".</summary>
    string Name { get; }

    /// <summary>The model identifier reported in responses.</summary>
    string Model { get; }

    /// <summary>
    /// Where the model runs in this process: ONNX Runtime's execution provider (<c>CUDAExecutionProvider</c>,
    /// <c>CPUExecutionProvider</c>) once warm; null for a backend that runs no model in-process.
    /// </summary>
    string? ExecutionProvider => null;

    /// <summary>Readies the backend (load weights, check the model server); the worker is NOT_SERVING until done.</summary>
    Task WarmUpAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Traces every job of the batch. The result list is in job order; a job's failure is its own
    /// <see cref="TraceResult.Error"/>, so one bad request does not fail its batch mates.
    /// </summary>
    Task<IReadOnlyList<TraceResult>> TraceBatchAsync(IReadOnlyList<TraceJob> batch, CancellationToken cancellationToken);
}

/// <summary>One validated request as a backend sees it.</summary>
/// <param name="Request">The request as it arrived.</param>
/// <param name="Inputs">The decoded image, depth and intrinsics.</param>
public sealed record TraceJob(TraceRequest Request, TraceInputs Inputs);

/// <summary>What a backend produced for one job: the trace, or the reason there is none.</summary>
public sealed record TraceResult(TraceResponse? Response, Status? Error)
{
    /// <summary>A successful trace.</summary>
    public static TraceResult Success(TraceResponse response) => new(response, null);

    /// <summary>A failure with a gRPC status (e.g. INTERNAL for an unparseable model answer).</summary>
    public static TraceResult Failure(StatusCode code, string detail) => new(null, new Status(code, detail));
}
