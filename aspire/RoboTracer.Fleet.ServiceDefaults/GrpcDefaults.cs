using Grpc.AspNetCore.HealthChecks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace RoboTracer.Fleet.ServiceDefaults;

/// <summary>
/// gRPC hosting as every fleet service that serves gRPC sets it up (DESIGN.md §4): Grpc.AspNetCore with 16 MiB
/// message limits both ways (the <c>Grpc</c> configuration section overrides them, e.g.
/// <c>Grpc:MaxReceiveMessageSize</c>), the standard <c>grpc.health.v1.Health</c> service answering from the ASP.NET
/// Core health checks (Grpc.AspNetCore.HealthChecks), and server reflection so grpcurl can list and call methods.
/// </summary>
public static class GrpcDefaults
{
    /// <summary>The message size limit, each way, unless configured: a 640×480 frame with its depth fits many times.</summary>
    public const int MaxMessageSize = 16 * 1024 * 1024;

    /// <summary>
    /// Registers gRPC, reflection and the health service. Health answers Check by running the health checks of the
    /// services mapped in <paramref name="health"/> ("" maps to every check); Watch streams end with NOT_SERVING
    /// when the host starts stopping.
    /// </summary>
    public static IHealthChecksBuilder AddFleetGrpc(this IHostApplicationBuilder builder, Action<GrpcHealthChecksOptions>? health = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = MaxMessageSize;
            options.MaxSendMessageSize = MaxMessageSize;
            configuration.GetSection("Grpc").Bind(options);
        });
        builder.Services.AddGrpcReflection();
        return health is null ? builder.Services.AddGrpcHealthChecks() : builder.Services.AddGrpcHealthChecks(health);
    }

    /// <summary>Maps <c>grpc.health.v1.Health</c> and <c>grpc.reflection.v1alpha.ServerReflection</c>.</summary>
    public static IEndpointRouteBuilder MapFleetGrpcServices(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGrpcHealthChecksService();
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }
}
