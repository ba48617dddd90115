using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Grpc.Protocol;

namespace RoboTracer.Fleet.Grpc.Server;

/// <summary>Serves every call to one method: validates the HTTP request, runs the handler, sends the status.</summary>
/// <summary>Where a handler's service instance comes from, by the service's DI registration.</summary>
internal enum ServiceActivation
{
    /// <summary>Registered as a singleton: one instance for every call.</summary>
    Singleton,
    /// <summary>Registered scoped or transient: resolved from the call's request services.</summary>
    FromRequestServices,
    /// <summary>Not registered: created for each call with its constructor's dependencies, then disposed.</summary>
    PerCallFromRequestServices,
}

internal abstract class ServerCallHandler
{
    public ILogger Logger { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>How the handler gets its service instance; chosen once, when the service is mapped.</summary>
    public ServiceActivation Activation { get; set; } = ServiceActivation.PerCallFromRequestServices;

    public abstract Task HandleCallAsync(HttpContext httpContext);

    /// <summary>
    /// Rejects what is not a gRPC request before any handler runs, with an HTTP status a non-gRPC client
    /// understands and a grpc-status a gRPC client understands.
    /// </summary>
    public static bool TryRejectNonGrpcRequest(HttpContext httpContext, out Task rejection)
    {
        var request = httpContext.Request;
        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            rejection = RejectAsync(httpContext, StatusCodes.Status426UpgradeRequired, StatusCode.Internal,
                $"Request protocol '{request.Protocol}' is not supported: gRPC needs HTTP/2. Use the Grpc endpoint with prior knowledge (h2c) or TLS with ALPN h2.");
            return true;
        }
        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            rejection = RejectAsync(httpContext, StatusCodes.Status415UnsupportedMediaType, StatusCode.Internal,
                $"Content-Type '{request.ContentType}' is not supported: gRPC requests use '{GrpcProtocol.ContentType}'.");
            return true;
        }
        if (httpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            // gRPC bounds each message (MaxReceiveMessageSize → RESOURCE_EXHAUSTED), and a stream's body has no end;
            // Kestrel's 30 MB body limit would answer first with HTTP 413, which clients can only read as UNKNOWN.
            bodySize.MaxRequestBodySize = null;
        }
        rejection = Task.CompletedTask;
        return false;
    }

    private static Task RejectAsync(HttpContext httpContext, int httpStatus, StatusCode code, string detail)
    {
        var response = httpContext.Response;
        response.StatusCode = httpStatus;
        response.Headers[GrpcProtocol.StatusHeader] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[GrpcProtocol.MessageHeader] = PercentEncoding.Encode(detail);
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(detail + "\n");
    }
}

/// <summary>The part of call handling shared by the four call kinds; each kind supplies <see cref="HandleAsync"/>.</summary>
internal abstract class ServerCallHandler<TService, TRequest, TResponse>(Method<TRequest, TResponse> method, GrpcServiceOptions options) : ServerCallHandler
    where TService : class
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    // Services not registered in DI are created per call, like grpc-dotnet's default activator.
    private static readonly ObjectFactory<TService> Factory = ActivatorUtilities.CreateFactory<TService>(Type.EmptyTypes);
    private TService? _singleton;

    protected Method<TRequest, TResponse> Method { get; } = method;

    public sealed override async Task HandleCallAsync(HttpContext httpContext)
    {
        if (TryRejectNonGrpcRequest(httpContext, out var rejection))
        {
            await rejection;
            return;
        }
        using var call = new HttpServerCallContext(httpContext, Method.FullName, options, Logger);
        var sendStatus = true;
        try
        {
            call.Initialize();
            if (Activation == ServiceActivation.Singleton)
            {
                // Resolved once: no per-call DI scope, which is most of the cost of a small call.
                await HandleAsync(call, _singleton ??= httpContext.RequestServices.GetRequiredService<TService>());
            }
            else
            {
                var services = httpContext.RequestServices;
                var registered = Activation == ServiceActivation.FromRequestServices ? services.GetRequiredService<TService>() : null;
                var service = registered ?? Factory(services, null);
                try
                {
                    await HandleAsync(call, service);
                }
                finally
                {
                    if (registered is null)
                    {
                        await DisposeAsync(service);
                    }
                }
            }
        }
        catch (Exception ex)
        {
            sendStatus = call.ProcessHandlerException(ex);
        }
        if (sendStatus)
        {
            call.WriteStatus();
            await call.CompleteAsync();
        }
    }

    protected abstract Task HandleAsync(HttpServerCallContext call, TService service);

    private static async ValueTask DisposeAsync(TService service)
    {
        switch (service)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}

internal sealed class UnaryCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method, UnaryServerMethod<TService, TRequest, TResponse> handler, GrpcServiceOptions options)
    : ServerCallHandler<TService, TRequest, TResponse>(method, options)
    where TService : class
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    protected override async Task HandleAsync(HttpServerCallContext call, TService service)
    {
        var request = await call.ReadSingleRequestAsync(Method.RequestParser);
        var response = await handler(service, request, call)
            ?? throw new RpcException(StatusCode.Internal, $"Handler for {Method.FullName} returned no response.");
        await call.WriteMessageAsync(response, flush: false, call.CancellationToken);
    }
}

internal sealed class ServerStreamingCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method, ServerStreamingServerMethod<TService, TRequest, TResponse> handler, GrpcServiceOptions options)
    : ServerCallHandler<TService, TRequest, TResponse>(method, options)
    where TService : class
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    protected override async Task HandleAsync(HttpServerCallContext call, TService service)
    {
        var request = await call.ReadSingleRequestAsync(Method.RequestParser);
        await handler(service, request, new HttpServerStreamWriter<TResponse>(call), call);
    }
}

internal sealed class ClientStreamingCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method, ClientStreamingServerMethod<TService, TRequest, TResponse> handler, GrpcServiceOptions options)
    : ServerCallHandler<TService, TRequest, TResponse>(method, options)
    where TService : class
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    protected override async Task HandleAsync(HttpServerCallContext call, TService service)
    {
        var requests = new HttpServerStreamReader<TRequest>(call, call.CreateRequestReader(Method.RequestParser));
        var response = await handler(service, requests, call)
            ?? throw new RpcException(StatusCode.Internal, $"Handler for {Method.FullName} returned no response.");
        await call.WriteMessageAsync(response, flush: false, call.CancellationToken);
    }
}

internal sealed class DuplexStreamingCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TService, TRequest, TResponse> handler, GrpcServiceOptions options)
    : ServerCallHandler<TService, TRequest, TResponse>(method, options)
    where TService : class
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    protected override Task HandleAsync(HttpServerCallContext call, TService service)
    {
        var requests = new HttpServerStreamReader<TRequest>(call, call.CreateRequestReader(Method.RequestParser));
        return handler(service, requests, new HttpServerStreamWriter<TResponse>(call), call);
    }
}

internal sealed class HttpServerStreamReader<T>(HttpServerCallContext call, MessageReader<T> reader) : IAsyncStreamReader<T>
    where T : class, IMessage<T>
{
    private T? _current;

    public T Current => _current ?? throw new InvalidOperationException("No current message: call MoveNext first and check that it returned true.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        var token = cancellationToken.CanBeCanceled ? cancellationToken : call.CancellationToken;
        _current = await call.ReadRequestAsync(reader, token);
        return _current is not null;
    }
}

internal sealed class HttpServerStreamWriter<T>(HttpServerCallContext call) : IServerStreamWriter<T>
    where T : class, IMessage<T>
{
    public Task WriteAsync(T message, CancellationToken cancellationToken = default) =>
        call.WriteMessageAsync(message, flush: true, cancellationToken.CanBeCanceled ? cancellationToken : call.CancellationToken);
}
