using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Grpc;
using RoboTracer.Fleet.Grpc.Server;
using RoboTracer.Fleet.Grpc.Services;

namespace RoboTracer.Fleet.Inference.Worker;

/// <summary><c>robotracer.v1.SpatialTracer</c> over gRPC; the work is the <see cref="TracingWorker"/>'s.</summary>
public sealed class SpatialTracerService(TracingWorker worker) : IGrpcService<SpatialTracerService>
{
    /// <inheritdoc />
    public static void Bind(GrpcServiceBinder<SpatialTracerService> binder)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddUnary(SpatialTracerGrpc.Trace, (service, request, context) => service.TraceAsync(request, context));
        binder.AddServerStreaming(SpatialTracerGrpc.TraceStream, (service, request, stream, context) => service.TraceStreamAsync(request, stream, context));
    }

    /// <summary>One request, one trace.</summary>
    public Task<TraceResponse> TraceAsync(TraceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return worker.TraceAsync(request, () => context.DeadlineExceeded, context.CancellationToken);
    }

    /// <summary>Progress and the model's reasoning as they become known, then the trace as the last message.</summary>
    public async Task TraceStreamAsync(TraceRequest request, IServerStreamWriter<TraceUpdate> stream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(context);
        var backend = request.Backend.Length > 0 ? request.Backend : "default";
        await stream.WriteAsync(new TraceUpdate { Reasoning = $"queued on backend {backend} of worker {worker.WorkerId}" }, context.CancellationToken);
        var trace = await TraceAsync(request, context);
        foreach (var line in trace.Reasoning)
        {
            await stream.WriteAsync(new TraceUpdate { Reasoning = line }, context.CancellationToken);
        }
        await stream.WriteAsync(new TraceUpdate { Trace = trace }, context.CancellationToken);
    }
}
