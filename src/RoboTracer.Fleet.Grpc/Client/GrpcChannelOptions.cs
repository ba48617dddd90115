namespace RoboTracer.Fleet.Grpc.Client;

/// <summary>Settings of a <see cref="GrpcChannel"/>.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>Largest response message accepted, in bytes; larger ones fail with RESOURCE_EXHAUSTED. Default 16 MiB.</summary>
    public int MaxReceiveMessageSize { get; set; } = Protocol.GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>Largest request message sent, in bytes; larger ones fail with RESOURCE_EXHAUSTED. Default 16 MiB.</summary>
    public int MaxSendMessageSize { get; set; } = Protocol.GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>
    /// Interval of HTTP/2 PING frames on an otherwise quiet connection with calls in flight, so a dead peer or a
    /// dropped NAT mapping is noticed (and calls fail with UNAVAILABLE) instead of hanging. Default 30 s.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for a PING's acknowledgement before the connection is declared dead. Default 10 s.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The handler to send requests with; when null the channel builds a <see cref="SocketsHttpHandler"/> from the
    /// settings above. Supply one for TLS settings such as a custom certificate check.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Whether the channel disposes <see cref="HttpHandler"/> when it is disposed. Default true.</summary>
    public bool DisposeHttpHandler { get; set; } = true;
}
