using System.Collections.Concurrent;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using RoboTracer.Fleet.Grpc.Server;

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

    public static readonly Method<BytesValue, BytesValue> Unary = new(MethodType.Unary, Service, "Unary", BytesValue.Parser, BytesValue.Parser);
    public static readonly Method<StringValue, StringValue> ServerStream = new(MethodType.ServerStreaming, Service, "ServerStream", StringValue.Parser, StringValue.Parser);
    public static readonly Method<StringValue, StringValue> ClientStream = new(MethodType.ClientStreaming, Service, "ClientStream", StringValue.Parser, StringValue.Parser);
    public static readonly Method<StringValue, StringValue> Bidi = new(MethodType.DuplexStreaming, Service, "Bidi", StringValue.Parser, StringValue.Parser);
    public static readonly Method<BytesValue, BytesValue> Missing = new(MethodType.Unary, Service, "Nope", BytesValue.Parser, BytesValue.Parser);
}

/// <summary>What the server saw of each call, for tests that assert the server side.</summary>
public sealed class EchoServerLog
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly SemaphoreSlim _signal = new(0);

    public ConcurrentDictionary<string, byte> ConnectionIds { get; } = new();

    public void Add(string @event)
    {
        _events.Enqueue(@event);
        _signal.Release();
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

public sealed class EchoService(EchoServerLog log) : IGrpcService<EchoService>
{
    public static void Bind(GrpcServiceBinder<EchoService> binder)
    {
        binder.AddUnary(EchoMethods.Unary, (service, request, context) => service.UnaryAsync(request, context));
        binder.AddServerStreaming(EchoMethods.ServerStream, (service, request, stream, context) => service.ServerStreamAsync(request, stream, context));
        binder.AddClientStreaming(EchoMethods.ClientStream, (_, requests, context) => ClientStreamAsync(requests, context));
        binder.AddDuplexStreaming(EchoMethods.Bidi, (_, requests, responses, context) => BidiAsync(requests, responses, context));
    }

    private async Task<BytesValue> UnaryAsync(BytesValue request, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        log.ConnectionIds.TryAdd(http.Connection.Id, 0);
        log.Add($"protocol:{http.Request.Protocol}:{http.Request.Scheme}");
        if (context.RequestHeaders.GetValue("x-fail-code") is { } code)
        {
            throw new RpcException((StatusCode)int.Parse(code, CultureInfo.InvariantCulture), EchoMethods.UnicodeMessage);
        }
        if (context.RequestHeaders.GetValue("x-sleep-ms") is { } sleep)
        {
            try
            {
                await Task.Delay(int.Parse(sleep, CultureInfo.InvariantCulture), context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                // A client resets the stream when its own deadline timer fires, which can be a little before the
                // server's (computed later, from grpc-timeout on arrival): a cancel that close is the deadline.
                log.Add(context.Deadline - DateTime.UtcNow < TimeSpan.FromMilliseconds(100) ? "deadline:Unary" : "cancelled:Unary");
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
