using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace RoboTracer.Fleet.Testing.Otlp;

/// <summary>
/// An OTLP collector for tests, on Kestrel at 127.0.0.1: OTLP/HTTP (<c>POST /v1/traces|metrics|logs</c>, binary
/// protobuf) on an HTTP/1.1 port, and OTLP/gRPC (the collector services' <c>Export</c> methods) on an HTTP/2 one.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentQueue<ReceivedMetric> _metrics = new();
    private readonly ConcurrentQueue<ReceivedLogRecord> _logs = new();
    private int _requests;

    private OtlpReceiver(WebApplication app) => _app = app;

    public string HttpEndpoint { get; private set; } = "";

    public string GrpcEndpoint { get; private set; } = "";

    public IReadOnlyCollection<ReceivedSpan> Spans => _spans;

    public IReadOnlyCollection<ReceivedMetric> Metrics => _metrics;

    public IReadOnlyCollection<ReceivedLogRecord> Logs => _logs;

    /// <summary>Export requests received, of any signal and protocol.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", context => receiver.ReceiveHttpAsync(context, body => Add(receiver._spans, OtlpDecoder.Spans(body))));
        app.MapPost("/v1/metrics", context => receiver.ReceiveHttpAsync(context, body => Add(receiver._metrics, OtlpDecoder.Metrics(body))));
        app.MapPost("/v1/logs", context => receiver.ReceiveHttpAsync(context, body => Add(receiver._logs, OtlpDecoder.Logs(body))));
        app.MapPost("/opentelemetry.proto.collector.trace.v1.TraceService/Export", context => receiver.ReceiveGrpcAsync(context, body => Add(receiver._spans, OtlpDecoder.Spans(body))));
        app.MapPost("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", context => receiver.ReceiveGrpcAsync(context, body => Add(receiver._metrics, OtlpDecoder.Metrics(body))));
        app.MapPost("/opentelemetry.proto.collector.logs.v1.LogsService/Export", context => receiver.ReceiveGrpcAsync(context, body => Add(receiver._logs, OtlpDecoder.Logs(body))));
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        // Listen order: the HTTP/1.1 port first.
        receiver.HttpEndpoint = addresses[0];
        receiver.GrpcEndpoint = addresses[1];
        return receiver;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling what has arrived; fails after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(50, cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting for {what}.");
            }
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static void Add<T>(ConcurrentQueue<T> queue, IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            queue.Enqueue(item);
        }
    }

    private async Task ReceiveHttpAsync(HttpContext context, Action<ReadOnlyMemory<byte>> decode)
    {
        decode(await ReadBodyAsync(context));
        Interlocked.Increment(ref _requests);
        // An empty Export*ServiceResponse: full success (OTLP specification, "OTLP/HTTP Response").
        context.Response.ContentType = "application/x-protobuf";
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private async Task ReceiveGrpcAsync(HttpContext context, Action<ReadOnlyMemory<byte>> decode)
    {
        var frame = await ReadBodyAsync(context);
        // gRPC length-prefixed message: compressed flag, 4-byte big-endian length, message (gRPC over HTTP/2 spec).
        var length = BinaryPrimitives.ReadInt32BigEndian(frame.Span[1..5]);
        decode(frame.Slice(5, length));
        Interlocked.Increment(ref _requests);
        context.Response.ContentType = "application/grpc";
        await context.Response.Body.WriteAsync(new byte[5]);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
