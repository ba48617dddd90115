using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Grpc.Client;

namespace RoboTracer.Fleet.Grpc.Services;

/// <summary>The methods of <c>robotracer.v1.SpatialTracer</c>, from spatial_trace.proto's descriptor.</summary>
public static class SpatialTracerGrpc
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = SpatialTraceReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("SpatialTracer");

    /// <summary>The service's full name.</summary>
    public static string ServiceName => Service.FullName;

    /// <summary>Unary: one request, one trace.</summary>
    public static Method<TraceRequest, TraceResponse> Trace { get; } = Methods.FromDescriptor<TraceRequest, TraceResponse>(Service, "Trace");

    /// <summary>Server streaming: reasoning updates, then the final trace.</summary>
    public static Method<TraceRequest, TraceUpdate> TraceStream { get; } = Methods.FromDescriptor<TraceRequest, TraceUpdate>(Service, "TraceStream");
}

/// <summary>A typed client of <c>robotracer.v1.SpatialTracer</c>.</summary>
public sealed class SpatialTracerClient(GrpcChannel channel)
{
    /// <summary>Asks for one trace.</summary>
    public AsyncUnaryCall<TraceResponse> TraceAsync(TraceRequest request, CallOptions options = default) =>
        channel.AsyncUnaryCall(SpatialTracerGrpc.Trace, request, options);

    /// <summary>Asks for one trace with the model's reasoning streamed as it goes.</summary>
    public AsyncServerStreamingCall<TraceUpdate> TraceStream(TraceRequest request, CallOptions options = default) =>
        channel.AsyncServerStreamingCall(SpatialTracerGrpc.TraceStream, request, options);
}
