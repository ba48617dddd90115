using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace RoboTracer.Fleet.Grpc;

/// <summary>The four kinds of call.</summary>
public enum MethodType
{
    /// <summary>One request, one response.</summary>
    Unary,
    /// <summary>A stream of requests, one response.</summary>
    ClientStreaming,
    /// <summary>One request, a stream of responses.</summary>
    ServerStreaming,
    /// <summary>Streams both ways, independent of each other.</summary>
    DuplexStreaming,
}

/// <summary>
/// A method of a gRPC service: its kind, its path <c>/package.Service/Method</c> and how to read its messages.
/// Built from the protobuf file descriptor, so names and message types come from protos/ and nowhere else.
/// </summary>
public sealed class Method<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    /// <summary>Creates a method from its parts.</summary>
    public Method(MethodType type, string serviceName, string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
    {
        Type = type;
        ServiceName = serviceName;
        Name = name;
        FullName = "/" + serviceName + "/" + name;
        RequestParser = requestParser;
        ResponseParser = responseParser;
    }

    /// <summary>The kind of call.</summary>
    public MethodType Type { get; }

    /// <summary>The fully qualified service name, e.g. <c>robotracer.v1.SpatialTracer</c>.</summary>
    public string ServiceName { get; }

    /// <summary>The method's name, e.g. <c>Trace</c>.</summary>
    public string Name { get; }

    /// <summary>The HTTP/2 <c>:path</c>: <c>/{ServiceName}/{Name}</c>.</summary>
    public string FullName { get; }

    /// <summary>Parses request messages.</summary>
    public MessageParser<TRequest> RequestParser { get; }

    /// <summary>Parses response messages.</summary>
    public MessageParser<TResponse> ResponseParser { get; }

    /// <inheritdoc />
    public override string ToString() => FullName;
}

/// <summary>Builds <see cref="Method{TRequest,TResponse}"/> instances from protobuf service descriptors.</summary>
public static class Methods
{
    /// <summary>
    /// The method <paramref name="name"/> of <paramref name="service"/>, checked against the CLR message types, so
    /// that a proto change that breaks a hand-written binding fails at start-up, not on the wire.
    /// </summary>
    public static Method<TRequest, TResponse> FromDescriptor<TRequest, TResponse>(ServiceDescriptor service, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(service);
        var method = service.FindMethodByName(name)
            ?? throw new ArgumentException($"Service {service.FullName} has no method '{name}'.", nameof(name));
        CheckType<TRequest>(method, method.InputType, "request");
        CheckType<TResponse>(method, method.OutputType, "response");
        var type = (method.IsClientStreaming, method.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (true, false) => MethodType.ClientStreaming,
            (false, true) => MethodType.ServerStreaming,
            (true, true) => MethodType.DuplexStreaming,
        };
        return new Method<TRequest, TResponse>(type, service.FullName, method.Name, new MessageParser<TRequest>(() => new TRequest()), new MessageParser<TResponse>(() => new TResponse()));
    }

    private static void CheckType<T>(MethodDescriptor method, MessageDescriptor declared, string role)
    {
        if (declared.ClrType != typeof(T))
        {
            throw new ArgumentException($"{method.FullName} takes {declared.FullName} as its {role}, not {typeof(T).FullName}.");
        }
    }
}
