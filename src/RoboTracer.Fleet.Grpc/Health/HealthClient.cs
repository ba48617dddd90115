using RoboTracer.Fleet.Contracts.Health.V1;
using RoboTracer.Fleet.Grpc.Client;

namespace RoboTracer.Fleet.Grpc.Health;

/// <summary>A typed client of <c>grpc.health.v1.Health</c>.</summary>
public sealed class HealthClient(GrpcChannel channel)
{
    /// <summary>The status of <paramref name="service"/> ("" for the whole server); NOT_FOUND when unknown.</summary>
    public AsyncUnaryCall<HealthCheckResponse> CheckAsync(string service = "", CallOptions options = default) =>
        channel.AsyncUnaryCall(HealthMethods.Check, new HealthCheckRequest { Service = service }, options);

    /// <summary>The status of <paramref name="service"/> now and on every change, until cancelled.</summary>
    public AsyncServerStreamingCall<HealthCheckResponse> Watch(string service = "", CallOptions options = default) =>
        channel.AsyncServerStreamingCall(HealthMethods.Watch, new HealthCheckRequest { Service = service }, options);
}
