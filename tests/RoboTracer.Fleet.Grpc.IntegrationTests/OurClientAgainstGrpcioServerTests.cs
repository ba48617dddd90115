using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace RoboTracer.Fleet.Grpc.IntegrationTests;

/// <summary>Interop: our client calling Debian's python3-grpcio server (tests/peers/echo_server.py).</summary>
public sealed class OurClientAgainstGrpcioServerTests : EchoClientCases
{
    private PythonEchoServer? _server;

    protected override async Task<string> StartServerAsync()
    {
        _server = await PythonEchoServer.StartAsync();
        return _server.Address;
    }

    protected override async Task StopServerAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    protected override Task WaitForServerEventAsync(string @event, string method) => _server!.WaitForEventAsync(@event, method, Patience);

    [Fact]
    public async Task A_server_that_dies_mid_call_fails_the_call_with_unavailable()
    {
        var options = new CallOptions(headers: new Metadata { { "x-interval-ms", "50" } });
        using var call = Echo.ServerStream(new StringValue { Value = "100000" }, options);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        _server!.Kill();
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            // Messages already in flight may still arrive; the call must then fail, not hang.
            while (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Patience))
            {
            }
        });

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }
}
