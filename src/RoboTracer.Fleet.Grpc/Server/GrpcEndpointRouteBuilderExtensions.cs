using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoboTracer.Fleet.Grpc.Protocol;

namespace RoboTracer.Fleet.Grpc.Server;

/// <summary>Hosting gRPC services on ASP.NET Core endpoint routing.</summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every method of <typeparamref name="TService"/> to <c>POST /{service}/{method}</c>. The service is
    /// taken from DI when registered there, otherwise created for each call. Calls to methods no service maps are
    /// answered with UNIMPLEMENTED.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcService<TService>(this IEndpointRouteBuilder endpoints)
        where TService : class, IGrpcService<TService>
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var provider = endpoints.ServiceProvider;
        var registry = provider.GetService<GrpcServiceRegistry>()
            ?? throw new InvalidOperationException("gRPC services are not registered: call services.AddGrpc() before MapGrpcService.");
        var options = provider.GetRequiredService<IOptions<GrpcServiceOptions>>().Value;
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("RoboTracer.Fleet.Grpc.Server");

        var binder = new GrpcServiceBinder<TService>();
        TService.Bind(binder);
        var builders = new List<IEndpointConventionBuilder>();
        foreach (var binding in binder.Bindings)
        {
            var handler = binding.CreateHandler(options);
            handler.Logger = logger;
            registry.Add(binding.Path);
            builders.Add(endpoints.MapPost(binding.Path, handler.HandleCallAsync).WithDisplayName("gRPC " + binding.Path));
        }
        if (registry.TryClaimUnimplementedRoute())
        {
            MapUnimplemented(endpoints, registry);
        }
        return new CompositeEndpointConventionBuilder(builders);
    }

    /// <summary>
    /// A catch-all for <c>POST /{service}/{method}</c> with a gRPC content type, ordered after every other route:
    /// the spec wants UNIMPLEMENTED, not an HTTP 404, for a method the server does not have.
    /// </summary>
    private static void MapUnimplemented(IEndpointRouteBuilder endpoints, GrpcServiceRegistry registry)
    {
        endpoints.MapPost("{unimplementedService}/{unimplementedMethod}", (HttpContext context) =>
            {
                var response = context.Response;
                if (!GrpcProtocol.IsGrpcContentType(context.Request.ContentType))
                {
                    response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }
                var service = (string)context.Request.RouteValues["unimplementedService"]!;
                var method = (string)context.Request.RouteValues["unimplementedMethod"]!;
                var detail = registry.HasService(service)
                    ? $"Method '{method}' is unimplemented on service '{service}'."
                    : $"Service '{service}' is unimplemented.";
                response.ContentType = GrpcProtocol.ContentType;
                response.Headers[GrpcProtocol.StatusHeader] = ((int)StatusCode.Unimplemented).ToString(CultureInfo.InvariantCulture);
                response.Headers[GrpcProtocol.MessageHeader] = PercentEncoding.Encode(detail);
                return Task.CompletedTask;
            })
            .WithOrder(int.MaxValue)
            .WithDisplayName("gRPC unimplemented");
    }

    private sealed class CompositeEndpointConventionBuilder(List<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }
    }
}

/// <summary>The methods mapped so far, to tell an unknown service from an unknown method.</summary>
internal sealed class GrpcServiceRegistry
{
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);
    private int _unimplementedMapped;

    public void Add(string path)
    {
        lock (_services)
        {
            _services.Add(path.Split('/', StringSplitOptions.RemoveEmptyEntries)[0]);
        }
    }

    public bool HasService(string service)
    {
        lock (_services)
        {
            return _services.Contains(service);
        }
    }

    public bool TryClaimUnimplementedRoute() => Interlocked.Exchange(ref _unimplementedMapped, 1) == 0;
}
