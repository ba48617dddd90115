using Google.Protobuf;

namespace RoboTracer.Fleet.Grpc.Server;

/// <summary>
/// A service that the server can host: it binds each of its methods to a handler. The equivalent of the
/// <c>BindService</c> method that Grpc.Tools generates for grpc-dotnet services.
/// </summary>
public interface IGrpcService<TSelf> where TSelf : class, IGrpcService<TSelf>
{
    /// <summary>Adds every method of the service to <paramref name="binder"/>.</summary>
    static abstract void Bind(GrpcServiceBinder<TSelf> binder);
}

/// <summary>Collects the methods of one service and the handlers that serve them.</summary>
public sealed class GrpcServiceBinder<TService> where TService : class
{
    private readonly List<ServerMethodBinding> _bindings = [];

    internal IReadOnlyList<ServerMethodBinding> Bindings => _bindings;

    /// <summary>Binds a unary method.</summary>
    public GrpcServiceBinder<TService> AddUnary<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TService, TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => Add(method, MethodType.Unary, options => new UnaryCallHandler<TService, TRequest, TResponse>(method, handler, options));

    /// <summary>Binds a server-streaming method.</summary>
    public GrpcServiceBinder<TService> AddServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TService, TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => Add(method, MethodType.ServerStreaming, options => new ServerStreamingCallHandler<TService, TRequest, TResponse>(method, handler, options));

    /// <summary>Binds a client-streaming method.</summary>
    public GrpcServiceBinder<TService> AddClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TService, TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => Add(method, MethodType.ClientStreaming, options => new ClientStreamingCallHandler<TService, TRequest, TResponse>(method, handler, options));

    /// <summary>Binds a bidirectional-streaming method.</summary>
    public GrpcServiceBinder<TService> AddDuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TService, TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => Add(method, MethodType.DuplexStreaming, options => new DuplexStreamingCallHandler<TService, TRequest, TResponse>(method, handler, options));

    private GrpcServiceBinder<TService> Add<TRequest, TResponse>(Method<TRequest, TResponse> method, MethodType expected, Func<GrpcServiceOptions, ServerCallHandler> createHandler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.Type != expected)
        {
            throw new ArgumentException($"{method.FullName} is a {method.Type} method; it cannot be bound as {expected}.", nameof(method));
        }
        _bindings.Add(new ServerMethodBinding(method.FullName, createHandler));
        return this;
    }
}

internal sealed record ServerMethodBinding(string Path, Func<GrpcServiceOptions, ServerCallHandler> CreateHandler);
