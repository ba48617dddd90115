using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RoboTracer.Fleet.Grpc.Server;

namespace RoboTracer.Fleet.Grpc.Health;

/// <summary>Registration of the gRPC health service.</summary>
public static class HealthServiceExtensions
{
    /// <summary>
    /// Registers the <see cref="HealthStatusRegistry"/> (server status SERVING) and the health service. Watch streams
    /// end when the host stops; call this before registering services whose stopping step must still be watched.
    /// </summary>
    public static IServiceCollection AddGrpcHealthChecks(this IServiceCollection services)
    {
        services.AddGrpc();
        services.TryAddSingleton<HealthStatusRegistry>();
        services.TryAddSingleton<HealthService>();
        services.AddHostedService<HealthWatchShutdown>();
        return services;
    }

    /// <summary>Maps <c>grpc.health.v1.Health</c>.</summary>
    public static IEndpointConventionBuilder MapGrpcHealthChecksService(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGrpcService<HealthService>();
}
