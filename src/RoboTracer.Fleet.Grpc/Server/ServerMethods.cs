namespace RoboTracer.Fleet.Grpc.Server;

/// <summary>Handles a unary call on <typeparamref name="TService"/>.</summary>
public delegate Task<TResponse> UnaryServerMethod<TService, TRequest, TResponse>(TService service, TRequest request, ServerCallContext context);

/// <summary>Handles a server-streaming call on <typeparamref name="TService"/>.</summary>
public delegate Task ServerStreamingServerMethod<TService, TRequest, TResponse>(TService service, TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context);

/// <summary>Handles a client-streaming call on <typeparamref name="TService"/>.</summary>
public delegate Task<TResponse> ClientStreamingServerMethod<TService, TRequest, TResponse>(TService service, IAsyncStreamReader<TRequest> requestStream, ServerCallContext context);

/// <summary>Handles a bidirectional-streaming call on <typeparamref name="TService"/>.</summary>
public delegate Task DuplexStreamingServerMethod<TService, TRequest, TResponse>(TService service, IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context);
