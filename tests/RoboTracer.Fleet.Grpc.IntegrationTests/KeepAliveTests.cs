using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

namespace RoboTracer.Fleet.Grpc.IntegrationTests;

/// <summary>HTTP/2 keepalive as the fleet's channels set it on their SocketsHttpHandler: PINGs on a quiet connection with calls in flight, and a dead path detected.</summary>
public sealed class KeepAliveTests : IAsyncLifetime
{
    private GrpcTestServer _server = null!;
    private Http2FrameProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync();
        _proxy = new Http2FrameProxy(new IPEndPoint(IPAddress.Loopback, _server.GrpcAddress.Port));
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_quiet_call_keeps_its_connection_alive_with_pings()
    {
        using var channel = GrpcChannel.ForAddress(_proxy.Address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { KeepAlivePingDelay = TimeSpan.FromSeconds(1) },
        });
        var options = new CallOptions(headers: new Metadata { { "x-interval-ms", "600000" } });
        using var call = new EchoClient(channel).ServerStream(new StringValue { Value = "2" }, options);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        // The server now waits ten minutes before its next message: only keepalive PINGs cross the connection.
        await _proxy.WaitForPingsAsync(2, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_dead_network_path_fails_the_call_instead_of_hanging()
    {
        using var channel = GrpcChannel.ForAddress(_proxy.Address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { KeepAlivePingDelay = TimeSpan.FromSeconds(1), KeepAlivePingTimeout = TimeSpan.FromSeconds(1) },
        });
        var options = new CallOptions(headers: new Metadata { { "x-interval-ms", "600000" } });
        using var call = new EchoClient(channel).ServerStream(new StringValue { Value = "2" }, options);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        _proxy.BecomeBlackHole();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));

        // Grpc.Net.Client reports the unanswered PING as INTERNAL (an HTTP/2 protocol error), not UNAVAILABLE.
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("didn't respond to a ping", error.Status.Detail, StringComparison.Ordinal);
    }
}
