using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.Grpc.IntegrationTests;

/// <summary>
/// The interop test service <c>fleet.testing.Echo</c>, with the same behaviours as tests/peers/echo_server.py,
/// so one set of cases runs against either server.
/// </summary>
public static class EchoMethods
{
    public const string Service = "fleet.testing.Echo";

    /// <summary>A grpc-message with non-ASCII characters and '%', to exercise percent-encoding.</summary>
    public const string UnicodeMessage = "not here: é ☃ 机器人 100%";

    public static readonly Method<BytesValue, BytesValue> Unary = new(MethodType.Unary, Service, "Unary", Proto(BytesValue.Parser), Proto(BytesValue.Parser));
    public static readonly Method<StringValue, StringValue> ServerStream = new(MethodType.ServerStreaming, Service, "ServerStream", Proto(StringValue.Parser), Proto(StringValue.Parser));
    public static readonly Method<StringValue, StringValue> ClientStream = new(MethodType.ClientStreaming, Service, "ClientStream", Proto(StringValue.Parser), Proto(StringValue.Parser));
    public static readonly Method<StringValue, StringValue> Bidi = new(MethodType.DuplexStreaming, Service, "Bidi", Proto(StringValue.Parser), Proto(StringValue.Parser));
    public static readonly Method<BytesValue, BytesValue> Missing = new(MethodType.Unary, Service, "Nope", Proto(BytesValue.Parser), Proto(BytesValue.Parser));

    private static Marshaller<T> Proto<T>(MessageParser<T> parser) where T : IMessage<T> => Marshallers.Create(message => message.ToByteArray(), parser.ParseFrom);
}

/// <summary>A typed client of the echo service, as Grpc.Tools would generate one.</summary>
public sealed class EchoClient(CallInvoker invoker)
{
    public EchoClient(ChannelBase channel) : this(channel.CreateCallInvoker())
    {
    }

    public AsyncUnaryCall<BytesValue> Unary(BytesValue request, CallOptions options = default) => invoker.AsyncUnaryCall(EchoMethods.Unary, null, options, request);

    public AsyncUnaryCall<BytesValue> Missing(BytesValue request, CallOptions options = default) => invoker.AsyncUnaryCall(EchoMethods.Missing, null, options, request);

    public AsyncServerStreamingCall<StringValue> ServerStream(StringValue request, CallOptions options = default) => invoker.AsyncServerStreamingCall(EchoMethods.ServerStream, null, options, request);

    public AsyncClientStreamingCall<StringValue, StringValue> ClientStream(CallOptions options = default) => invoker.AsyncClientStreamingCall(EchoMethods.ClientStream, null, options);

    public AsyncDuplexStreamingCall<StringValue, StringValue> Bidi(CallOptions options = default) => invoker.AsyncDuplexStreamingCall(EchoMethods.Bidi, null, options);
}

/// <summary>
/// What the server saw of each call, and the exceptions it logged as errors, for tests that assert the server side.
/// </summary>
public sealed class EchoServerLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Channel<Exception> _errors = Channel.CreateUnbounded<Exception>();

    public ConcurrentDictionary<string, byte> ConnectionIds { get; } = new();

    public void Add(string @event)
    {
        _events.Enqueue(@event);
        _signal.Release();
    }

    /// <summary>The exception of the next error the server logs.</summary>
    public async Task<Exception> WaitForErrorAsync(TimeSpan timeout) => await _errors.Reader.ReadAsync().AsTask().WaitAsync(timeout);

    public ILogger CreateLogger(string categoryName) => new ErrorLogger(_errors.Writer);

    public void Dispose()
    {
    }

    /// <summary>Waits until <paramref name="event"/> has been logged.</summary>
    public async Task WaitForAsync(string @event, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!_events.Contains(@event))
        {
            try
            {
                await _signal.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The server never logged '{@event}'; it logged: {string.Join(", ", _events)}");
            }
        }
    }
}

/// <summary>The echo service, bound without a .proto: its methods are the wrapper types' (as echo_server.py's are).</summary>
internal sealed class ErrorLogger(ChannelWriter<Exception> errors) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel) && exception is not null)
        {
            errors.TryWrite(exception);
        }
    }
}

public sealed class EchoService(EchoServerLog log)
{
    /// <summary>Binds the four methods, as generated code binds a service's methods.</summary>
    public sealed class MethodProvider : IServiceMethodProvider<EchoService>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<EchoService> context)
        {
            context.AddUnaryMethod(EchoMethods.Unary, [], (service, request, call) => service.UnaryAsync(request, call));
            context.AddServerStreamingMethod(EchoMethods.ServerStream, [], (service, request, stream, call) => service.ServerStreamAsync(request, stream, call));
            context.AddClientStreamingMethod(EchoMethods.ClientStream, [], (_, requests, call) => ClientStreamAsync(requests, call));
            context.AddDuplexStreamingMethod(EchoMethods.Bidi, [], (_, requests, responses, call) => BidiAsync(requests, responses, call));
        }
    }

    private async Task<BytesValue> UnaryAsync(BytesValue request, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        log.ConnectionIds.TryAdd(http.Connection.Id, 0);
        log.Add($"protocol:{http.Request.Protocol}:{http.Request.Scheme}");
        log.Add(context.Deadline == DateTime.MaxValue ? "deadline-none:Unary" : "deadline-set:Unary");
        if (context.RequestHeaders.GetValue("x-fail-code") is { } code)
        {
            throw new RpcException(new Status((StatusCode)int.Parse(code, CultureInfo.InvariantCulture), EchoMethods.UnicodeMessage));
        }
        if (context.RequestHeaders.GetValue("x-sleep-ms") is { } sleep)
        {
            try
            {
                await Task.Delay(int.Parse(sleep, CultureInfo.InvariantCulture), context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                // A client resets the stream when its own deadline timer fires, which can be before the server's
                // (computed later, from grpc-timeout on arrival, and on a loaded machine arrival can lag by more than
                // any fixed margin). A client that sends its absolute deadline (x-client-deadline, Unix ms) lets the
                // server tell a call ended by its deadline from one cancelled early without guessing; for others a
                // cancel close to the server's own deadline counts as the deadline.
                var byDeadline = context.RequestHeaders.GetValue("x-client-deadline") is { } sent
                    ? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() >= long.Parse(sent, CultureInfo.InvariantCulture)
                    : context.Deadline - DateTime.UtcNow < TimeSpan.FromMilliseconds(100);
                log.Add(byDeadline ? "deadline:Unary" : "cancelled:Unary");
                throw;
            }
        }
        return request;
    }

    private async Task ServerStreamAsync(StringValue request, IServerStreamWriter<StringValue> responses, ServerCallContext context)
    {
        var count = int.Parse(request.Value, CultureInfo.InvariantCulture);
        var interval = context.RequestHeaders.GetValue("x-interval-ms") is { } ms ? int.Parse(ms, CultureInfo.InvariantCulture) : 0;
        try
        {
            for (var i = 0; i < count; i++)
            {
                if (i > 0 && interval > 0)
                {
                    await Task.Delay(interval, context.CancellationToken);
                }
                await responses.WriteAsync(new StringValue { Value = i.ToString(CultureInfo.InvariantCulture) });
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && context.CancellationToken.IsCancellationRequested)
        {
            log.Add("cancelled:ServerStream");
            throw;
        }
    }

    private static async Task<StringValue> ClientStreamAsync(IAsyncStreamReader<StringValue> requests, ServerCallContext context)
    {
        var values = new List<string>();
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            values.Add(request.Value);
        }
        return new StringValue { Value = string.Join(",", values) };
    }

    private static async Task BidiAsync(IAsyncStreamReader<StringValue> requests, IServerStreamWriter<StringValue> responses, ServerCallContext context)
    {
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            await responses.WriteAsync(new StringValue { Value = "echo:" + request.Value });
        }
    }

    public static BytesValue Payload(int length) => new() { Value = ByteString.CopyFrom(Enumerable.Range(0, length).Select(i => (byte)(i % 251)).ToArray()) };
}
