using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

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
            var response = await new EchoClient(channel).Unary(EchoService.Payload(i));
            return response.Value.Length == i && response.Equals(EchoService.Payload(i));
        });
        var streams = Enumerable.Range(0, 20).Select(async _ =>
        {
            using var call = new EchoClient(channel).ServerStream(new StringValue { Value = "50" });
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

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new EchoClient(channel).Unary(EchoService.Payload(1)));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.IsAssignableFrom<System.Net.Sockets.SocketException>(error.Status.DebugException);
    }

    [Fact]
    public async Task The_server_cancels_a_call_whose_deadline_passes_while_it_waits_for_requests()
    {
        using var call = Echo.ClientStream(new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromMilliseconds(200)));
        await call.RequestStream.WriteAsync(new StringValue { Value = "a" });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await call);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Health_watch_streams_every_status_change_and_check_agrees()
    {
        using var cts = new CancellationTokenSource(Patience);
        var health = new Health.HealthClient(Channel);
        var echo = new HealthCheckRequest { Service = EchoMethods.Service };
        using var call = health.Watch(echo, cancellationToken: cts.Token);

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(ServingStatus.Serving, call.ResponseStream.Current.Status);
        _server!.SetEchoServing(false);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(ServingStatus.NotServing, call.ResponseStream.Current.Status);
        _server.SetEchoServing(true);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(ServingStatus.Serving, call.ResponseStream.Current.Status);
        _server.SetEchoServing(false);

        var check = await health.CheckAsync(echo);
        Assert.Equal(ServingStatus.NotServing, check.Status);
    }

    [Fact]
    public async Task Response_headers_and_trailers_reach_the_client()
    {
        using var call = Echo.Unary(EchoService.Payload(3));

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
