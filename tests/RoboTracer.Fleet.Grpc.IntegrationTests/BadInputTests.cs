using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Google.Protobuf;
using Grpc.Net.Client;

namespace RoboTracer.Fleet.Grpc.IntegrationTests;

/// <summary>
/// Malformed requests sent byte by byte with a plain HTTP/2 client: each gets a precise status, and the server
/// goes on serving well-formed calls afterwards.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private GrpcTestServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync();
        _http = new HttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_truncated_frame_header_is_internal()
    {
        var (status, message) = await SendRawAsync([0, 0, 0]);

        Assert.Equal("13", status);
        Assert.Contains("Incomplete message", message);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task A_length_prefix_larger_than_the_body_is_internal()
    {
        var (status, message) = await SendRawAsync([0, 0, 0, 0, 100, 0x0A, 2, 1, 2]);

        Assert.Equal("13", status);
        Assert.Contains("Incomplete message", message);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Garbage_bytes_are_unknown_to_the_client_and_logged_with_the_parse_error()
    {
        var (status, message) = await SendRawAsync([0, 0, 0, 0, 4, 0xFF, 0xFE, 0xFD, 0xFC]);

        // Grpc.AspNetCore answers a request it cannot parse as it answers any handler exception: UNKNOWN, with the
        // exception's text for the client only under EnableDetailedErrors; the server log has the parse error.
        Assert.Equal("2", status);
        Assert.Equal("Exception was thrown by handler.", message);
        var logged = await _server.Log.WaitForErrorAsync(TimeSpan.FromSeconds(30));
        Assert.IsType<InvalidProtocolBufferException>(logged);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task A_length_prefix_over_the_limit_is_resource_exhausted_without_reading_the_body()
    {
        var (status, message) = await SendRawAsync([0, 0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3]);

        Assert.Equal("8", status);
        Assert.Equal("Received message exceeds the maximum configured message size.", message);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Two_messages_on_a_unary_call_are_internal()
    {
        var one = MessageBytes(EchoService.Payload(2));

        var (status, message) = await SendRawAsync([.. one, .. one]);

        Assert.Equal("13", status);
        Assert.Equal("Additional data after the message received.", message);
    }

    [Fact]
    public async Task A_wrong_content_type_is_415_with_a_grpc_status()
    {
        using var request = Request(MessageBytes(EchoService.Payload(1)), "application/json");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("13", response.Headers.GetValues("grpc-status").Single());
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task An_http1_request_to_the_grpc_endpoint_is_refused_and_the_endpoint_keeps_serving()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _server.GrpcAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "POST /fleet.testing.Echo/Unary HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/grpc\r\nContent-Length: 5\r\n\r\n\0\0\0\0\0"));

        // Kestrel's HTTP/2-only endpoint answers an HTTP/1.x preface with a 400 and closes the connection.
        var answer = await ReadAllAsync(stream);

        Assert.StartsWith("HTTP/1.1 400", answer);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task A_grpc_call_over_http1_gets_426_with_a_grpc_status()
    {
        using var http1 = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.HttpAddress, EchoMethods.Unary.FullName))
        {
            Content = Content(MessageBytes(EchoService.Payload(1)), "application/grpc"),
        };

        using var response = await http1.SendAsync(request);

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Equal("13", response.Headers.GetValues("grpc-status").Single());
        Assert.Equal("Request protocol 'HTTP/1.1' is not supported.", Uri.UnescapeDataString(response.Headers.GetValues("grpc-message").Single()));
    }

    [Fact]
    public async Task A_malformed_grpc_timeout_is_ignored_and_the_call_is_served_without_a_deadline()
    {
        // Grpc.AspNetCore logs and ignores a grpc-timeout it cannot read (our own layer refused the call instead).
        var (status, _) = await SendRawAsync(MessageBytes(EchoService.Payload(1)), ("grpc-timeout", "soon"));

        Assert.Equal("0", status);
        await _server.Log.WaitForAsync("deadline-none:Unary", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_message_compressed_with_an_unsupported_encoding_is_unimplemented_and_names_the_supported_ones()
    {
        // The compressed flag set: grpc-encoding only applies to messages marked compressed.
        byte[] body = [1, .. MessageBytes(EchoService.Payload(1)).AsSpan(1)];
        using var request = Request(body, "application/grpc");
        request.Headers.Add("grpc-encoding", "snappy");

        using var response = await _http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("12", response.Headers.GetValues("grpc-status").Single());
        Assert.StartsWith("Unsupported grpc-encoding value 'snappy'.", Uri.UnescapeDataString(response.Headers.GetValues("grpc-message").Single()));
        Assert.Contains("gzip", response.Headers.GetValues("grpc-accept-encoding").Single().Split(','));
    }

    [Fact]
    public async Task A_gzip_compressed_request_is_accepted()
    {
        var payload = EchoService.Payload(3000);
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            payload.WriteTo(gzip);
        }
        byte[] body = [1, .. BigEndian((uint)compressed.Length), .. compressed.ToArray()];
        using var request = Request(body, "application/grpc");
        request.Headers.Add("grpc-encoding", "gzip");

        using var response = await _http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
        Assert.Equal(payload, Google.Protobuf.WellKnownTypes.BytesValue.Parser.ParseFrom(bytes.AsSpan(5)));
    }

    private async Task<(string? Status, string Message)> SendRawAsync(byte[] body, params (string Name, string Value)[] headers)
    {
        using var request = Request(body, "application/grpc");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await _http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Trailers-Only responses carry the status in the headers; others in the trailers.
        var source = response.Headers.Contains("grpc-status") ? (HttpHeaders)response.Headers : response.TrailingHeaders;
        var status = source.TryGetValues("grpc-status", out var s) ? s.Single() : null;
        var message = source.TryGetValues("grpc-message", out var m) ? Uri.UnescapeDataString(m.Single()) : "";
        return (status, message);
    }

    private HttpRequestMessage Request(byte[] body, string contentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.GrpcAddress, EchoMethods.Unary.FullName))
        {
            Content = Content(body, contentType),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }

    private static ByteArrayContent Content(byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    private static byte[] MessageBytes(IMessage message)
    {
        var bytes = message.ToByteArray();
        return [0, .. BigEndian((uint)bytes.Length), .. bytes];
    }

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static async Task<string> ReadAllAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(chunk, timeout.Token)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }
        return Encoding.ASCII.GetString(buffer.ToArray());
    }

    private async Task AssertStillServingAsync()
    {
        using var channel = GrpcChannel.ForAddress(_server.GrpcAddress.ToString());
        var response = await new EchoClient(channel).Unary(EchoService.Payload(7));
        Assert.Equal(EchoService.Payload(7), response);
    }
}
