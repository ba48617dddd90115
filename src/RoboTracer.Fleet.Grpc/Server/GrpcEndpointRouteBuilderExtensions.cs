using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
        var activation = registry.ActivationOf(typeof(TService));
        var builders = new List<IEndpointConventionBuilder>();
        foreach (var binding in binder.Bindings)
        {
            var handler = binding.CreateHandler(options);
            handler.Logger = logger;
            handler.Activation = activation;
            registry.Add(binding.Path);
            builders.Add(endpoints.MapPost(binding.Path, handler.HandleCallAsync).WithDisplayName("gRPC " + binding.Path));
        }
        return new CompositeEndpointConventionBuilder(builders);
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
internal sealed class GrpcServiceRegistry(IServiceCollection registrations)
{
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);

    /// <summary>How instances of <paramref name="serviceType"/> are obtained, from its last DI registration.</summary>
    public ServiceActivation ActivationOf(Type serviceType)
    {
        var descriptor = registrations.LastOrDefault(d => d.ServiceType == serviceType);
        return descriptor?.Lifetime switch
        {
            ServiceLifetime.Singleton => ServiceActivation.Singleton,
            ServiceLifetime.Scoped or ServiceLifetime.Transient => ServiceActivation.FromRequestServices,
            _ => ServiceActivation.PerCallFromRequestServices,
        };
    }

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
}
