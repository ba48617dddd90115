using RoboTracer.Fleet.Contracts.Health.V1;
using RoboTracer.Fleet.Grpc.Server;

namespace RoboTracer.Fleet.Grpc.Health;

/// <summary>The methods of <c>grpc.health.v1.Health</c>, from the proto's descriptor.</summary>
public static class HealthMethods
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = HealthReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("Health");

    /// <summary>The service's full name.</summary>
    public static string ServiceName => Service.FullName;

    /// <summary><c>/grpc.health.v1.Health/Check</c>.</summary>
    public static Method<HealthCheckRequest, HealthCheckResponse> Check { get; } = Methods.FromDescriptor<HealthCheckRequest, HealthCheckResponse>(Service, "Check");

    /// <summary><c>/grpc.health.v1.Health/Watch</c>.</summary>
    public static Method<HealthCheckRequest, HealthCheckResponse> Watch { get; } = Methods.FromDescriptor<HealthCheckRequest, HealthCheckResponse>(Service, "Watch");
}

/// <summary>
/// The standard health service (grpc/grpc doc/health-checking.md): Check answers NOT_FOUND for an unknown service;
/// Watch streams the current status and every change, SERVICE_UNKNOWN for an unknown service, until cancelled.
/// </summary>
public sealed class HealthService(HealthStatusRegistry registry) : IGrpcService<HealthService>
{
    /// <inheritdoc />
    public static void Bind(GrpcServiceBinder<HealthService> binder)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddUnary(HealthMethods.Check, (service, request, context) => service.CheckAsync(request, context));
        binder.AddServerStreaming(HealthMethods.Watch, (service, request, stream, context) => service.WatchAsync(request, stream, context));
    }

    /// <summary>Answers one health check.</summary>
    public Task<HealthCheckResponse> CheckAsync(HealthCheckRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!registry.TryGetStatus(request.Service, out var status))
        {
            throw new RpcException(StatusCode.NotFound, $"Unknown service '{request.Service}'.");
        }
        return Task.FromResult(new HealthCheckResponse { Status = status });
    }

    /// <summary>Streams status changes until the client cancels.</summary>
    public async Task WatchAsync(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responses, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responses);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await foreach (var status in registry.WatchAsync(request.Service, context.CancellationToken))
            {
                await responses.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client stopped watching; that is how Watch ends.
        }
    }
}
