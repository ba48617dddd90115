using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using RoboTracer.Fleet.Grpc.Protocol;

namespace RoboTracer.Fleet.Grpc.Client;

/// <summary>
/// One call from the client: an HTTP/2 request whose body carries the request messages and whose response
/// carries the response messages and, in trailers, the status. All four call kinds share it.
/// </summary>
internal sealed class GrpcCall<TRequest, TResponse> : IAsyncCallState
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private static readonly MediaTypeHeaderValue GrpcContentType = new(GrpcProtocol.ContentType);
    private static readonly ProductInfoHeaderValue UserAgent = new("robotracer-fleet-grpc", "1.0");

    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _callCts;
    private readonly TaskCompletionSource<HttpResponseMessage> _headers = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task<HttpResponseMessage>? _sendTask;
    private StreamingRequestContent? _streamingContent;
    private HttpResponseMessage? _response;
    private MessageReader<TResponse>? _reader;
    private Status? _status;
    private Metadata? _trailers;
    private volatile bool _disposed;
    private bool _responseEnded;

    public GrpcCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
        _callCts = options.CancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken)
            : new CancellationTokenSource();
        if (options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            var remaining = deadline.ToUniversalTime() - DateTime.UtcNow;
            _callCts.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        }
        ResponseStream = new ResponseStreamReader(this);
        // Cancellation and deadline end the HTTP/2 stream at once (RST_STREAM), not at the next read, so the
        // server's token fires even when nobody is reading.
        _callCts.Token.Register(static state => ((GrpcCall<TRequest, TResponse>)state!).AbortStream(), this);
    }

    /// <summary>Built when asked for: most callers never look at response headers.</summary>
    public Task<Metadata> ResponseHeadersAsync => ReadResponseHeadersAsync();

    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    public IClientStreamWriter<TRequest> RequestStream => _streamingContent ?? throw new InvalidOperationException("This call has no request stream.");

    /// <summary>Sends a call whose single request is known now (unary and server streaming).</summary>
    public void StartUnary(TRequest request)
    {
        try
        {
            var content = new ByteArrayContent(MessageFraming.ToArray(request, _channel.Options.MaxSendMessageSize));
            content.Headers.ContentType = GrpcContentType;
            Send(content);
        }
        catch (RpcException ex)
        {
            _sendTask = Task.FromException<HttpResponseMessage>(ex);
        }
    }

    /// <summary>Sends a call whose requests are written later (client streaming and duplex).</summary>
    public void StartStreamingRequest()
    {
        _streamingContent = new StreamingRequestContent(this);
        _streamingContent.Headers.ContentType = GrpcContentType;
        Send(_streamingContent);
    }

    /// <summary>The single response of a unary or client-streaming call, then the status from the trailers.</summary>
    public async Task<TResponse> ReadUnaryResponseAsync()
    {
        try
        {
            if (!await StartResponseAsync())
            {
                throw FailureFromStatus("Response ended without a message.");
            }
            var message = await _reader!.ReadAsync(_callCts.Token);
            if (message is null)
            {
                ReadTrailers();
                throw FailureFromStatus("Response ended without a message: a unary call returns exactly one.");
            }
            if (await _reader.ReadAsync(_callCts.Token) is not null)
            {
                throw Finish(new Status(StatusCode.Internal, "Response has more than one message: a unary call returns exactly one."));
            }
            ReadTrailers();
            if (_status!.Value.StatusCode != StatusCode.OK)
            {
                throw new RpcException(_status.Value, _trailers);
            }
            return message;
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Fail(ex);
        }
        finally
        {
            ReleaseResources();
        }
    }

    private async Task<Metadata> ReadResponseHeadersAsync() => ReadMetadata((await _headers.Task).Headers);

    public Status GetStatus() => _status ?? throw new InvalidOperationException("The call has not finished: its status is not known yet.");

    public Metadata GetTrailers() => _trailers ?? throw new InvalidOperationException("The call has not finished: its trailers are not known yet.");

    /// <summary>Cancels a running call: the HTTP/2 stream is reset and the server's token fires.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_status is null)
        {
            _callCts.Cancel();
        }
        ReleaseResources();
    }

    private void Send(HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _channel.MethodUri(_method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = request.Headers;
        headers.TryAddWithoutValidation(GrpcProtocol.TeHeader, GrpcProtocol.TeTrailers);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.SupportedEncodings);
        headers.UserAgent.Add(UserAgent);
        if (_options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(deadline.ToUniversalTime() - DateTime.UtcNow));
        }
        if (_options.Headers is { } metadata)
        {
            foreach (var entry in metadata)
            {
                headers.TryAddWithoutValidation(entry.Key, entry.ValueBytes is { } bytes ? Convert.ToBase64String(bytes) : entry.Value);
            }
        }
        _sendTask = _channel.Invoker.SendAsync(request, _callCts.Token);
    }

    /// <summary>
    /// Awaits the response headers and checks them. True when messages may follow; false for a Trailers-Only
    /// response, whose status is then known.
    /// </summary>
    private async Task<bool> StartResponseAsync()
    {
        if (_reader is not null)
        {
            return true;
        }
        if (_status is not null)
        {
            return false;
        }
        HttpResponseMessage response;
        try
        {
            response = await _sendTask!;
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Fail(ex);
        }
        catch (RpcException ex)
        {
            _headers.TrySetException(ex);
            _status ??= ex.Status;
            throw;
        }
        _response = response;
        _headers.TrySetResult(response);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var code = GrpcProtocol.FromHttpStatus(response.StatusCode);
            if (TryReadStatus(response.Headers, out var headerStatus))
            {
                throw Finish(headerStatus);
            }
            throw Finish(new Status(code, $"Bad gRPC response: HTTP status {(int)response.StatusCode} {response.ReasonPhrase}."));
        }
        if (TryReadStatus(response.Headers, out var trailersOnly))
        {
            _trailers = ReadMetadata(response.Headers);
            _status = trailersOnly;
            return false;
        }
        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            throw Finish(new Status(StatusCode.Internal, $"Bad gRPC response: content-type '{contentType}' is not {GrpcProtocol.ContentType}."));
        }
        var stream = await response.Content.ReadAsStreamAsync(_callCts.Token);
        var encoding = response.Headers.TryGetValues(GrpcProtocol.EncodingHeader, out var values) ? values.FirstOrDefault() : null;
        _reader = new MessageReader<TResponse>(PipeReader.Create(stream), _method.ResponseParser, _channel.Options.MaxReceiveMessageSize, encoding);
        return true;
    }

    private async Task<bool> MoveNextAsync(CancellationToken cancellationToken, Action<TResponse> setCurrent)
    {
        if (_responseEnded)
        {
            // Reading past the end keeps answering as the end did, without touching released resources.
            return _status!.Value.StatusCode == StatusCode.OK ? false : throw new RpcException(_status.Value, _trailers);
        }
        using var registration = cancellationToken.CanBeCanceled ? cancellationToken.Register(static state => ((GrpcCall<TRequest, TResponse>)state!).CancelFromReader(), this) : default;
        try
        {
            if (!await StartResponseAsync())
            {
                return _status!.Value.StatusCode == StatusCode.OK ? false : throw new RpcException(_status.Value, _trailers);
            }
            var message = await _reader!.ReadAsync(_callCts.Token);
            if (message is not null)
            {
                setCurrent(message);
                return true;
            }
            ReadTrailers();
            _responseEnded = true;
            ReleaseResources();
            return _status!.Value.StatusCode == StatusCode.OK ? false : throw new RpcException(_status.Value, _trailers);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Fail(ex);
        }
    }

    private void AbortStream()
    {
        _streamingContent?.Abort();
        _response?.Dispose();
    }

    private void CancelFromReader()
    {
        if (_status is null)
        {
            _callCts.Cancel();
        }
    }

    private void ReadTrailers()
    {
        var trailing = _response!.TrailingHeaders;
        _trailers = ReadMetadata(trailing);
        _status = TryReadStatus(trailing, out var status)
            ? status
            : new Status(StatusCode.Internal, "Response ended without a grpc-status trailer.");
    }

    private RpcException FailureFromStatus(string whenOk) =>
        _status is { StatusCode: not StatusCode.OK } status
            ? new RpcException(status, _trailers)
            : Finish(new Status(StatusCode.Internal, whenOk));

    /// <summary>Records <paramref name="status"/> as the call's outcome and returns the exception to throw.</summary>
    private RpcException Finish(Status status, Exception? inner = null)
    {
        _status ??= status;
        var exception = new RpcException(_status.Value, _trailers, inner);
        _headers.TrySetException(exception);
        _streamingContent?.Abort();
        return exception;
    }

    /// <summary>Maps a transport failure to the status the gRPC spec gives it.</summary>
    private RpcException Fail(Exception exception)
    {
        if (exception is RpcException rpc)
        {
            return Finish(rpc.Status, rpc);
        }
        if (_options.CancellationToken.IsCancellationRequested || _disposed)
        {
            return Finish(new Status(StatusCode.Cancelled, "Call cancelled by the client."), exception);
        }
        if (_callCts.IsCancellationRequested)
        {
            return Finish(new Status(StatusCode.DeadlineExceeded, "Deadline exceeded."), exception);
        }
        var status = exception switch
        {
            // SocketsHttpHandler reports an unanswered keepalive PING with PROTOCOL_ERROR, the code a peer's protocol
            // violation gets; only the text tells them apart. A dead connection is transient: UNAVAILABLE, so that
            // callers retry on another connection or server.
            HttpProtocolException when exception.Message.Contains("ping", StringComparison.OrdinalIgnoreCase) =>
                new Status(StatusCode.Unavailable, $"Connection to {_channel.Address} is dead (keepalive PING unanswered): {exception.Message}"),
            // RST_STREAM codes as PROTOCOL-HTTP2.md "Errors" maps them.
            HttpProtocolException { ErrorCode: 0x7 } => new Status(StatusCode.Unavailable, $"The server refused the stream (REFUSED_STREAM): {exception.Message}"),
            HttpProtocolException { ErrorCode: 0x8 } => new Status(StatusCode.Cancelled, $"The server cancelled the stream: {exception.Message}"),
            HttpProtocolException { ErrorCode: 0xB } => new Status(StatusCode.ResourceExhausted, $"The server reported excessive load (ENHANCE_YOUR_CALM): {exception.Message}"),
            HttpProtocolException { ErrorCode: 0xC } => new Status(StatusCode.PermissionDenied, $"The server requires stronger security (INADEQUATE_SECURITY): {exception.Message}"),
            HttpProtocolException => new Status(StatusCode.Internal, $"HTTP/2 error: {exception.Message}"),
            HttpRequestException or IOException => new Status(StatusCode.Unavailable, $"Error talking to {_channel.Address}: {Describe(exception)}"),
            _ => new Status(StatusCode.Internal, $"Error in the gRPC client: {exception.GetType().Name}: {exception.Message}"),
        };
        return Finish(status, exception);
    }

    private static string Describe(Exception exception)
    {
        var message = exception.Message;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            message += " " + inner.Message;
        }
        return message;
    }

    /// <summary>Returns the HTTP/2 stream (reset if unfinished) and stops the deadline timer.</summary>
    private void ReleaseResources()
    {
        _response?.Dispose();
        _callCts.Dispose();
    }

    private static bool TryReadStatus(HttpHeaders headers, out Status status)
    {
        status = default;
        if (!headers.TryGetValues(GrpcProtocol.StatusHeader, out var codes))
        {
            return false;
        }
        var text = codes.FirstOrDefault();
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            status = new Status(StatusCode.Unknown, $"Invalid grpc-status '{text}'.");
            return true;
        }
        var detail = headers.TryGetValues(GrpcProtocol.MessageHeader, out var messages) ? PercentEncoding.Decode(messages.FirstOrDefault() ?? "") : "";
        status = new Status(Enum.IsDefined((StatusCode)code) ? (StatusCode)code : StatusCode.Unknown, detail);
        return true;
    }

    private static Metadata ReadMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers.NonValidated)
        {
            if (key.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase) || key.Equals("content-type", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            foreach (var value in values)
            {
                try
                {
                    if (key.EndsWith(Metadata.BinarySuffix, StringComparison.OrdinalIgnoreCase))
                    {
                        metadata.Add(key, Convert.FromBase64String(value.PadRight(value.Length + ((4 - (value.Length % 4)) % 4), '=')));
                    }
                    else
                    {
                        metadata.Add(key, value);
                    }
                }
                catch (Exception ex) when (ex is ArgumentException or FormatException)
                {
                    // A header that is not valid metadata (e.g. "date" is fine, an odd key is not) is skipped,
                    // never a reason to fail a call that otherwise succeeded.
                }
            }
        }
        return metadata;
    }

    private sealed class ResponseStreamReader(GrpcCall<TRequest, TResponse> call) : IAsyncStreamReader<TResponse>
    {
        private TResponse? _current;

        public TResponse Current => _current ?? throw new InvalidOperationException("No current message: call MoveNext first and check that it returned true.");

        public Task<bool> MoveNext(CancellationToken cancellationToken) => call.MoveNextAsync(cancellationToken, message => _current = message);
    }

    /// <summary>
    /// The request body of a streaming call. HttpClient asks for the body once, through
    /// <see cref="SerializeToStreamAsync(Stream, TransportContext?)"/>; the stream it passes stays open, and
    /// writes go to it until <see cref="CompleteAsync"/> ends the body (END_STREAM, the client's half-close).
    /// </summary>
    private sealed class StreamingRequestContent(GrpcCall<TRequest, TResponse> call) : HttpContent, IClientStreamWriter<TRequest>
    {
        private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _completeRequested;
        private int _writing;

        public async Task WriteAsync(TRequest message, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(message);
            if (_completeRequested)
            {
                throw new InvalidOperationException("The request stream is already complete.");
            }
            if (Interlocked.Exchange(ref _writing, 1) == 1)
            {
                throw new InvalidOperationException("A write is already in progress: await each WriteAsync before the next.");
            }
            try
            {
                if (call._status is { } status)
                {
                    throw new RpcException(status.StatusCode == StatusCode.OK
                        ? new Status(StatusCode.Internal, "The call is already finished; no more requests can be written.")
                        : status, call._trailers);
                }
                var framed = MessageFraming.ToArray(message, call._channel.Options.MaxSendMessageSize);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, call._callCts.Token);
                var stream = await _stream.Task.WaitAsync(linked.Token);
                await stream.WriteAsync(framed, linked.Token);
                await stream.FlushAsync(linked.Token);
            }
            catch (Exception ex) when (ex is not RpcException)
            {
                throw call._status is { StatusCode: not StatusCode.OK } status ? new RpcException(status, call._trailers, ex) : call.Fail(ex);
            }
            finally
            {
                Volatile.Write(ref _writing, 0);
            }
        }

        public Task CompleteAsync()
        {
            _completeRequested = true;
            _completed.TrySetResult();
            return Task.CompletedTask;
        }

        public void Abort() => _completed.TrySetCanceled();

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            _stream.TrySetResult(stream);
            return _completed.Task;
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            SerializeToStreamAsync(stream, context);

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
