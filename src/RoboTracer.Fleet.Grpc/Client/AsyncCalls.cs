using System.Runtime.CompilerServices;

namespace RoboTracer.Fleet.Grpc.Client;

/// <summary>What every call exposes besides its messages: headers, final status, trailers, cancellation.</summary>
public interface IAsyncCallState : IDisposable
{
    /// <summary>The response headers, once the server sent them.</summary>
    Task<Metadata> ResponseHeadersAsync { get; }

    /// <summary>The final status; throws until the call has finished.</summary>
    Status GetStatus();

    /// <summary>The trailers; throws until the call has finished.</summary>
    Metadata GetTrailers();
}

/// <summary>A unary call in flight. Await it for the response.</summary>
public sealed class AsyncUnaryCall<TResponse> : IDisposable
{
    private readonly IAsyncCallState _state;

    internal AsyncUnaryCall(Task<TResponse> responseAsync, IAsyncCallState state)
    {
        ResponseAsync = responseAsync;
        _state = state;
    }

    /// <summary>The response; faults with <see cref="RpcException"/> when the call fails.</summary>
    public Task<TResponse> ResponseAsync { get; }

    /// <inheritdoc cref="IAsyncCallState.ResponseHeadersAsync"/>
    public Task<Metadata> ResponseHeadersAsync => _state.ResponseHeadersAsync;

    /// <summary>Awaits <see cref="ResponseAsync"/>.</summary>
    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    /// <inheritdoc cref="IAsyncCallState.GetStatus"/>
    public Status GetStatus() => _state.GetStatus();

    /// <inheritdoc cref="IAsyncCallState.GetTrailers"/>
    public Metadata GetTrailers() => _state.GetTrailers();

    /// <summary>Cancels the call if it is still running.</summary>
    public void Dispose() => _state.Dispose();
}

/// <summary>A server-streaming call in flight: read <see cref="ResponseStream"/> to its end.</summary>
public sealed class AsyncServerStreamingCall<TResponse> : IDisposable
{
    private readonly IAsyncCallState _state;

    internal AsyncServerStreamingCall(IAsyncStreamReader<TResponse> responseStream, IAsyncCallState state)
    {
        ResponseStream = responseStream;
        _state = state;
    }

    /// <summary>The responses; MoveNext throws <see cref="RpcException"/> when the call ends with an error.</summary>
    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    /// <inheritdoc cref="IAsyncCallState.ResponseHeadersAsync"/>
    public Task<Metadata> ResponseHeadersAsync => _state.ResponseHeadersAsync;

    /// <inheritdoc cref="IAsyncCallState.GetStatus"/>
    public Status GetStatus() => _state.GetStatus();

    /// <inheritdoc cref="IAsyncCallState.GetTrailers"/>
    public Metadata GetTrailers() => _state.GetTrailers();

    /// <summary>Cancels the call if it is still running (the server sees RST_STREAM).</summary>
    public void Dispose() => _state.Dispose();
}

/// <summary>A client-streaming call in flight: write requests, complete the stream, await the response.</summary>
public sealed class AsyncClientStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly IAsyncCallState _state;

    internal AsyncClientStreamingCall(IClientStreamWriter<TRequest> requestStream, Task<TResponse> responseAsync, IAsyncCallState state)
    {
        RequestStream = requestStream;
        ResponseAsync = responseAsync;
        _state = state;
    }

    /// <summary>The requests.</summary>
    public IClientStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The response.</summary>
    public Task<TResponse> ResponseAsync { get; }

    /// <inheritdoc cref="IAsyncCallState.ResponseHeadersAsync"/>
    public Task<Metadata> ResponseHeadersAsync => _state.ResponseHeadersAsync;

    /// <summary>Awaits <see cref="ResponseAsync"/>.</summary>
    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    /// <inheritdoc cref="IAsyncCallState.GetStatus"/>
    public Status GetStatus() => _state.GetStatus();

    /// <inheritdoc cref="IAsyncCallState.GetTrailers"/>
    public Metadata GetTrailers() => _state.GetTrailers();

    /// <summary>Cancels the call if it is still running.</summary>
    public void Dispose() => _state.Dispose();
}

/// <summary>A bidirectional call in flight; the two streams are independent.</summary>
public sealed class AsyncDuplexStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly IAsyncCallState _state;

    internal AsyncDuplexStreamingCall(IClientStreamWriter<TRequest> requestStream, IAsyncStreamReader<TResponse> responseStream, IAsyncCallState state)
    {
        RequestStream = requestStream;
        ResponseStream = responseStream;
        _state = state;
    }

    /// <summary>The requests.</summary>
    public IClientStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The responses.</summary>
    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    /// <inheritdoc cref="IAsyncCallState.ResponseHeadersAsync"/>
    public Task<Metadata> ResponseHeadersAsync => _state.ResponseHeadersAsync;

    /// <inheritdoc cref="IAsyncCallState.GetStatus"/>
    public Status GetStatus() => _state.GetStatus();

    /// <inheritdoc cref="IAsyncCallState.GetTrailers"/>
    public Metadata GetTrailers() => _state.GetTrailers();

    /// <summary>Cancels the call if it is still running.</summary>
    public void Dispose() => _state.Dispose();
}
