using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RoboTracer.Fleet.Grpc.Server;

/// <summary>Registration of the gRPC server.</summary>
public static class GrpcServiceCollectionExtensions
{
    /// <summary>Registers what <see cref="GrpcEndpointRouteBuilderExtensions.MapGrpcService{TService}"/> needs.</summary>
    public static IServiceCollection AddGrpc(this IServiceCollection services, Action<GrpcServiceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRouting();
        // The registry keeps the collection to read service lifetimes when services are mapped (after Build).
        services.TryAddSingleton(new GrpcServiceRegistry(services));
        services.TryAddEnumerable(ServiceDescriptor.Transient<Microsoft.AspNetCore.Hosting.IStartupFilter, UnimplementedMethodStartupFilter>());
        var options = services.AddOptions<GrpcServiceOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        return services;
    }
}
