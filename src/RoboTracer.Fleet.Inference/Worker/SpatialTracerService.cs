using Grpc.Core;
using RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Inference.Worker;

/// <summary><c>robotracer.v1.SpatialTracer</c> over gRPC; the work is the <see cref="TracingWorker"/>'s.</summary>
public sealed class SpatialTracerService(TracingWorker worker) : SpatialTracer.SpatialTracerBase
{
    /// <summary>One request, one trace.</summary>
    public override Task<TraceResponse> Trace(TraceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Grpc.AspNetCore answers DEADLINE_EXCEEDED itself when the deadline passes; the check only tells the
        // batcher which of the two a cancelled wait was, for its log and metrics.
        return worker.TraceAsync(request, () => DateTime.UtcNow >= context.Deadline, context.CancellationToken);
    }

    /// <summary>Progress and the model's reasoning as they become known, then the trace as the last message.</summary>
    public override async Task TraceStream(TraceRequest request, IServerStreamWriter<TraceUpdate> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var backend = request.Backend.Length > 0 ? request.Backend : "default";
        await responseStream.WriteAsync(new TraceUpdate { Reasoning = $"queued on backend {backend} of worker {worker.WorkerId}" }, context.CancellationToken);
        var trace = await Trace(request, context);
        foreach (var line in trace.Reasoning)
        {
            await responseStream.WriteAsync(new TraceUpdate { Reasoning = line }, context.CancellationToken);
        }
        await responseStream.WriteAsync(new TraceUpdate { Trace = trace }, context.CancellationToken);
    }
}
