namespace RoboTracer.Fleet.Grpc.IntegrationTests;

/// <summary>Interop: Debian's python3-grpcio client (tests/peers/echo_client.py) calling our server.</summary>
public sealed class GrpcioClientAgainstOurServerTests : IAsyncLifetime
{
    private GrpcTestServer _server = null!;

    public async Task InitializeAsync() => _server = await GrpcTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Unary()
    {
        var result = await PythonPeers.RunClientCaseAsync(_server.GrpcTarget, "unary");

        Assert.Equal("OK", result.GetProperty("code").GetString());
        Assert.Equal(Convert.ToHexStringLower("hello fleet"u8), result.GetProperty("value_hex").GetString());
    }

    [Fact]
    public async Task Eight_MiB_message()
    {
        var result = await PythonPeers.RunClientCaseAsync(_server.GrpcTarget, "large");

        Assert.Equal("OK", result.GetProperty("code").GetString());
        Assert.Equal(8 * 1024 * 1024, result.GetProperty("length").GetInt32());
        Assert.True(result.GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task Over_limit_message()
    {
        var result = await PythonPeers.RunClientCaseAsync(_server.GrpcTarget, "over_limit");

        Assert.Equal("RESOURCE_EXHAUSTED", result.GetProperty("code").GetString());
        Assert.Equal("Received message exceeds the maximum configured message size.", result.GetProperty("details").GetString());
    }

    [Fact]
    public async Task Server_streaming()
    {
        var result = await PythonPeers.RunClientCaseAsync(_server.GrpcTarget, "server_stream");

        Assert.Equal("OK", result.GetProperty("code").GetString());
        Assert.Equal(["0", "1", "2", "3", "4"], result.GetProperty("values").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task Client_streaming()
    {
        var result = await PythonPeers.RunClientCaseAsync(_server.GrpcTarget, "client_stream");

        Assert.Equal("OK", result.GetProperty("code").GetString());
        Assert.Equal("a,b,c", result.GetProperty("value").GetString());
    }

    [Fact]
    public async Task Bidi_streaming()
    {
        var result = await PythonPeers.RunClientCaseAsync(_server.GrpcTarget, "bidi");

        Assert.Equal("OK", result.GetProperty("code").GetString());
        Assert.Equal(["echo:x", "echo:y", "echo:z"], result.GetProperty("values").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task Deadline_exceeded()
    {
        var result = await PythonPeers.RunClientCaseAsync(_server.GrpcTarget, "deadline");

        Assert.Equal("DEADLINE_EXCEEDED", result.GetProperty("code").GetString());
        await _server.Log.WaitForAsync("deadline:Unary", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Non_ok_status_with_unicode_message()
    {
        var result = await PythonPeers.RunClientCaseAsync(_server.GrpcTarget, "error_unicode");

        Assert.Equal("NOT_FOUND", result.GetProperty("code").GetString());
        Assert.Equal(EchoMethods.UnicodeMessage, result.GetProperty("details").GetString());
    }

    [Fact]
    public async Task Cancellation_mid_stream()
    {
        var result = await PythonPeers.RunClientCaseAsync(_server.GrpcTarget, "cancel");

        Assert.Equal("CANCELLED", result.GetProperty("code").GetString());
        Assert.Equal(2, result.GetProperty("received").GetInt32());
        await _server.Log.WaitForAsync("cancelled:ServerStream", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Unimplemented_method()
    {
        var result = await PythonPeers.RunClientCaseAsync(_server.GrpcTarget, "unimplemented");

        Assert.Equal("UNIMPLEMENTED", result.GetProperty("code").GetString());
        Assert.Equal("Method is unimplemented.", result.GetProperty("details").GetString());
    }

    [Fact]
    public async Task Health_check()
    {
        var result = await PythonPeers.RunClientCaseAsync(_server.GrpcTarget, "health");

        Assert.Equal("SERVING", result.GetProperty("overall").GetString());
        Assert.Equal("SERVING", result.GetProperty("echo").GetString());
        Assert.Equal("NOT_FOUND", result.GetProperty("unknown_code").GetString());
    }
}
