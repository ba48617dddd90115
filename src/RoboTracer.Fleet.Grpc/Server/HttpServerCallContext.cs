using System.Globalization;
using System.IO.Pipelines;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using RoboTracer.Fleet.Grpc.Protocol;

namespace RoboTracer.Fleet.Grpc.Server;

/// <summary>
/// One call on the server, over one HTTP/2 stream: the request body is the stream of request messages, the
/// response body the stream of response messages, and the status travels in trailers, or in the headers alone
/// ("Trailers-Only") when no message was sent.
/// </summary>
internal sealed partial class HttpServerCallContext : ServerCallContext, IDisposable
{
    private readonly HttpContext _httpContext;
    private readonly GrpcServiceOptions _options;
    private readonly ILogger _logger;
    private CancellationTokenSource? _deadlineCts;
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;
    private bool _bodyStarted;
    private bool _peerGone;
    private DateTime _deadline = DateTime.MaxValue;
    private CancellationToken _cancellationToken;

    public HttpServerCallContext(HttpContext httpContext, string method, GrpcServiceOptions options, ILogger logger)
    {
        _httpContext = httpContext;
        _options = options;
        _logger = logger;
        Method = method;
        _cancellationToken = httpContext.RequestAborted;
    }

    public override string Method { get; }

    public override string Peer
    {
        get
        {
            var connection = _httpContext.Connection;
            return connection.RemoteIpAddress is { } ip
                ? $"{(ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4")}:{ip}:{connection.RemotePort}"
                : "unknown";
        }
    }

    public override DateTime Deadline => _deadline;

    public override Metadata RequestHeaders => _requestHeaders ??= ReadRequestHeaders(_httpContext.Request.Headers);

    public override Metadata ResponseTrailers => _responseTrailers ??= [];

    public override CancellationToken CancellationToken => _cancellationToken;

    public override Status Status { get; set; } = Status.DefaultSuccess;

    public int MaxReceiveMessageSize => _options.MaxReceiveMessageSize;

    public string? RequestEncoding { get; private set; }

    /// <summary>True once the deadline has passed; the handler's token is cancelled at that moment.</summary>
    public override bool DeadlineExceeded => _deadlineCts is { IsCancellationRequested: true } && !_httpContext.RequestAborted.IsCancellationRequested;

    public override HttpContext GetHttpContext() => _httpContext;

    /// <summary>
    /// Reads the call's headers: deadline and message encoding. Throws <see cref="RpcException"/> for values the
    /// spec does not allow, before the handler runs.
    /// </summary>
    public void Initialize()
    {
        var headers = _httpContext.Request.Headers;
        var timeout = headers[GrpcProtocol.TimeoutHeader];
        if (!StringValues.IsNullOrEmpty(timeout))
        {
            if (!GrpcTimeout.TryParse(timeout.ToString(), out var span))
            {
                throw new RpcException(StatusCode.Internal, $"Invalid grpc-timeout '{timeout}': expected up to 8 digits and a unit of H, M, S, m, u or n.");
            }
            _deadlineCts = CancellationTokenSource.CreateLinkedTokenSource(_httpContext.RequestAborted);
            _deadlineCts.CancelAfter(span);
            _deadline = DateTime.UtcNow + span;
            _cancellationToken = _deadlineCts.Token;
        }
        var encoding = headers[GrpcProtocol.EncodingHeader].ToString();
        if (encoding.Length > 0 && encoding != GrpcProtocol.IdentityEncoding && encoding != GrpcProtocol.GzipEncoding)
        {
            _httpContext.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
            throw new RpcException(StatusCode.Unimplemented, $"Message encoding '{encoding}' is not supported; supported: {GrpcProtocol.SupportedEncodings}.");
        }
        RequestEncoding = encoding.Length > 0 ? encoding : null;
        var response = _httpContext.Response;
        response.ContentType = GrpcProtocol.ContentType;
    }

    /// <summary>Reads a unary call's only request message: exactly one message, then the end of the stream.</summary>
    public async ValueTask<TRequest> ReadSingleRequestAsync<TRequest>(MessageParser<TRequest> parser)
        where TRequest : IMessage<TRequest>
    {
        var reader = new MessageReader<TRequest>(_httpContext.Request.BodyReader, parser, _options.MaxReceiveMessageSize, RequestEncoding);
        var request = await ReadRequestAsync(reader, CancellationToken)
            ?? throw new RpcException(StatusCode.Internal, "Request ended without a message: a unary call needs exactly one.");
        if (await ReadRequestAsync(reader, CancellationToken) is not null)
        {
            throw new RpcException(StatusCode.Internal, "Request has more than one message: a unary call takes exactly one.");
        }
        return request;
    }

    /// <summary>
    /// Reads the next request message. A transport failure while reading means the client is gone (Kestrel
    /// reports a reset stream or a dropped connection as <see cref="IOException"/>, sometimes before it cancels
    /// RequestAborted): the call ends quietly, with no status to send and nothing to log as an error.
    /// </summary>
    public async ValueTask<TRequest?> ReadRequestAsync<TRequest>(MessageReader<TRequest> reader, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
    {
        try
        {
            return await reader.ReadAsync(cancellationToken);
        }
        catch (IOException)
        {
            _peerGone = true;
            throw;
        }
    }

    public MessageReader<TRequest> CreateRequestReader<TRequest>(MessageParser<TRequest> parser)
        where TRequest : IMessage<TRequest>
        => new(_httpContext.Request.BodyReader, parser, _options.MaxReceiveMessageSize, RequestEncoding);

    /// <summary>
    /// Buffers one response message. <paramref name="flush"/> sends it now (streaming); a unary response is left
    /// buffered so that it leaves with the trailers in as few frames as possible.
    /// </summary>
    public async Task WriteMessageAsync(IMessage message, bool flush, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (DeadlineExceeded)
        {
            throw new RpcException(StatusCode.DeadlineExceeded, "Deadline exceeded before the response was written.");
        }
        var writer = _httpContext.Response.BodyWriter;
        MessageFraming.Write(writer, message, _options.MaxSendMessageSize);
        _bodyStarted = true;
        if (flush)
        {
            FlushResult result;
            try
            {
                result = await writer.FlushAsync(cancellationToken);
            }
            catch (IOException)
            {
                _peerGone = true;
                throw;
            }
            if (result.IsCanceled || result.IsCompleted)
            {
                _peerGone = true;
                throw new OperationCanceledException("The client is no longer reading the response.", cancellationToken);
            }
        }
    }

    public override async Task WriteResponseHeadersAsync(Metadata responseHeaders)
    {
        ArgumentNullException.ThrowIfNull(responseHeaders);
        if (_httpContext.Response.HasStarted)
        {
            throw new InvalidOperationException("Response headers have already been sent.");
        }
        WriteMetadata(_httpContext.Response.Headers, responseHeaders);
        _bodyStarted = true;
        await _httpContext.Response.BodyWriter.FlushAsync(CancellationToken);
    }

    /// <summary>Turns how the handler ended into the call's status. Returns false when the client is gone.</summary>
    public bool ProcessHandlerException(Exception exception)
    {
        switch (exception)
        {
            case RpcException rpc:
                Status = rpc.Status;
                foreach (var entry in rpc.Trailers)
                {
                    AddTrailer(entry);
                }
                if (rpc.StatusCode is StatusCode.Internal or StatusCode.Unknown)
                {
                    LogCallFailed(_logger, Method, rpc.StatusCode, rpc.Status.Detail, null);
                }
                return true;
            case OperationCanceledException when DeadlineExceeded:
                Status = new Status(StatusCode.DeadlineExceeded, "Deadline exceeded.");
                return true;
            case OperationCanceledException or IOException when _peerGone || _httpContext.RequestAborted.IsCancellationRequested:
                LogClientCancelled(_logger, Method);
                return false;
            default:
                LogHandlerException(_logger, Method, exception);
                Status = new Status(StatusCode.Unknown, _options.EnableDetailedErrors
                    ? $"Exception was thrown by handler. {exception.GetType().Name}: {exception.Message}"
                    : "Exception was thrown by handler.");
                return true;
        }
    }

    /// <summary>
    /// Sends the status: as trailers after the messages, or, when nothing was sent yet, as a Trailers-Only
    /// response (a single HEADERS frame with END_STREAM).
    /// </summary>
    public void WriteStatus()
    {
        var response = _httpContext.Response;
        if (!_bodyStarted && !response.HasStarted)
        {
            var headers = response.Headers;
            headers[GrpcProtocol.StatusHeader] = StatusText(Status.StatusCode);
            if (Status.Detail.Length > 0)
            {
                headers[GrpcProtocol.MessageHeader] = PercentEncoding.Encode(Status.Detail);
            }
            if (_responseTrailers is not null)
            {
                WriteMetadata(headers, _responseTrailers);
            }
            return;
        }
        response.AppendTrailer(GrpcProtocol.StatusHeader, StatusText(Status.StatusCode));
        if (Status.Detail.Length > 0)
        {
            response.AppendTrailer(GrpcProtocol.MessageHeader, PercentEncoding.Encode(Status.Detail));
        }
        if (_responseTrailers is not null)
        {
            foreach (var entry in _responseTrailers)
            {
                response.AppendTrailer(entry.Key, EncodeValue(entry));
            }
        }
    }

    /// <summary>
    /// Ends the HTTP/2 stream after the status. When the request body was not read to its end (the handler failed
    /// early), the stream is reset so the client stops sending into a call that is over.
    /// </summary>
    public async Task CompleteAsync()
    {
        try
        {
            await _httpContext.Response.CompleteAsync();
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client went away while the status was in flight; nothing is left to tell it.
            LogClientCancelled(_logger, Method);
        }
    }

    public void Dispose() => _deadlineCts?.Dispose();

    private void AddTrailer(Metadata.Entry entry)
    {
        if (entry.ValueBytes is { } bytes)
        {
            ResponseTrailers.Add(entry.Key, bytes);
        }
        else
        {
            ResponseTrailers.Add(entry.Key, entry.Value ?? "");
        }
    }

    private static string StatusText(StatusCode code) => ((int)code).ToString(CultureInfo.InvariantCulture);

    private static string EncodeValue(Metadata.Entry entry) => entry.ValueBytes is { } bytes ? Convert.ToBase64String(bytes) : entry.Value ?? "";

    private static void WriteMetadata(IHeaderDictionary headers, Metadata metadata)
    {
        foreach (var entry in metadata)
        {
            headers.Append(entry.Key, EncodeValue(entry));
        }
    }

    private static Metadata ReadRequestHeaders(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers)
        {
            if (IsProtocolHeader(key))
            {
                continue;
            }
            foreach (var value in values)
            {
                if (value is null)
                {
                    continue;
                }
                if (key.EndsWith(Metadata.BinarySuffix, StringComparison.OrdinalIgnoreCase))
                {
                    metadata.Add(key, Base64Lenient(value));
                }
                else
                {
                    metadata.Add(key, value);
                }
            }
        }
        return metadata;
    }

    private static bool IsProtocolHeader(string key) =>
        key.StartsWith(':')
        || key.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase)
        || string.Equals(key, "content-type", StringComparison.OrdinalIgnoreCase)
        || string.Equals(key, "te", StringComparison.OrdinalIgnoreCase)
        || string.Equals(key, "host", StringComparison.OrdinalIgnoreCase)
        || string.Equals(key, "content-length", StringComparison.OrdinalIgnoreCase);

    /// <summary>Senders may omit base64 padding ("Custom-Metadata" in the spec).</summary>
    private static byte[] Base64Lenient(string value)
    {
        var padded = (value.Length % 4) switch
        {
            2 => value + "==",
            3 => value + "=",
            _ => value,
        };
        return Convert.FromBase64String(padded);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "gRPC handler for {Method} threw an exception")]
    private static partial void LogHandlerException(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "gRPC call {Method} was cancelled by the client")]
    private static partial void LogClientCancelled(ILogger logger, string method);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "gRPC call {Method} failed with {StatusCode}: {Detail}")]
    private static partial void LogCallFailed(ILogger logger, string method, StatusCode statusCode, string detail, Exception? exception);
}
