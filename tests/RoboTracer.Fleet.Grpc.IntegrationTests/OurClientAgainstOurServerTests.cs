using System.Net;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using RoboTracer.Fleet.Grpc.Client;
using RoboTracer.Fleet.Grpc.Health;
using ServingStatus = RoboTracer.Fleet.Contracts.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RoboTracer.Fleet.Grpc.IntegrationTests;

/// <summary>Our client against our server: the shared cases, plus concurrency, health watching and failures.</summary>
public sealed class OurClientAgainstOurServerTests : EchoClientCases
{
    private GrpcTestServer? _server;

    protected override async Task<string> StartServerAsync()
    {
        _server = await GrpcTestServer.StartAsync();
        return _server.GrpcAddress.ToString();
    }

    protected override async Task StopServerAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    protected override Task WaitForServerEventAsync(string @event, string method) => _server!.Log.WaitForAsync($"{@event}:{method}", Patience);

    [Fact]
    public async Task Many_concurrent_calls_share_one_connection()
    {
        using var channel = GrpcChannel.ForAddress(_server!.GrpcAddress.ToString(), new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false },
        });
        var calls = Enumerable.Range(1, 500).Select(async i =>
        {
            var response = await channel.AsyncUnaryCall(EchoMethods.Unary, EchoService.Payload(i));
            return response.Value.Length == i && response.Equals(EchoService.Payload(i));
        });
        var streams = Enumerable.Range(0, 20).Select(async _ =>
        {
            using var call = channel.AsyncServerStreamingCall(EchoMethods.ServerStream, new StringValue { Value = "50" });
            var count = 0;
            await foreach (var message in call.ResponseStream.ReadAllAsync())
            {
                Assert.Equal(count++.ToString(System.Globalization.CultureInfo.InvariantCulture), message.Value);
            }
            return count == 50;
        });

        var results = await Task.WhenAll(calls.Concat(streams));

        Assert.All(results, Assert.True);
        Assert.Single(_server.Log.ConnectionIds);
    }

    [Fact]
    public async Task A_server_that_is_not_there_is_unavailable()
    {
        var port = FreePort();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");

        var error = await Assert.ThrowsAsync<RpcException>(async () => await channel.AsyncUnaryCall(EchoMethods.Unary, EchoService.Payload(1)));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains($"127.0.0.1:{port}", error.Status.Detail);
    }

    [Fact]
    public async Task The_server_cancels_a_call_whose_deadline_passes_while_it_waits_for_requests()
    {
        using var call = Channel.AsyncClientStreamingCall(EchoMethods.ClientStream, new CallOptions().WithTimeout(TimeSpan.FromMilliseconds(200)));
        await call.RequestStream.WriteAsync(new StringValue { Value = "a" });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await call);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Health_watch_streams_every_status_change()
    {
        var registry = _server!.Services.GetRequiredService<HealthStatusRegistry>();
        using var cts = new CancellationTokenSource(Patience);
        var health = new HealthClient(Channel);
        using var call = health.Watch("robotracer.v1.SpatialTracer", new CallOptions(CancellationToken: cts.Token));

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(ServingStatus.ServiceUnknown, call.ResponseStream.Current.Status);
        registry.SetStatus("robotracer.v1.SpatialTracer", ServingStatus.Serving);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(ServingStatus.Serving, call.ResponseStream.Current.Status);
        registry.SetAll(ServingStatus.NotServing);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(ServingStatus.NotServing, call.ResponseStream.Current.Status);

        var check = await health.CheckAsync("robotracer.v1.SpatialTracer");
        Assert.Equal(ServingStatus.NotServing, check.Status);
    }

    [Fact]
    public async Task Response_headers_and_trailers_reach_the_client()
    {
        using var call = Channel.AsyncUnaryCall(EchoMethods.Unary, EchoService.Payload(3));

        await call;
        var headers = await call.ResponseHeadersAsync;

        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.NotNull(headers);
        Assert.NotNull(call.GetTrailers());
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
