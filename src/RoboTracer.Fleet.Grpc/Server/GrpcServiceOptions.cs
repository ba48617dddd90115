namespace RoboTracer.Fleet.Grpc.Server;

/// <summary>Server-wide settings for hosted gRPC services.</summary>
public sealed class GrpcServiceOptions
{
    /// <summary>Largest request message accepted, in bytes; larger ones fail with RESOURCE_EXHAUSTED. Default 16 MiB.</summary>
    public int MaxReceiveMessageSize { get; set; } = Protocol.GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>Largest response message sent, in bytes; larger ones fail with RESOURCE_EXHAUSTED. Default 16 MiB.</summary>
    public int MaxSendMessageSize { get; set; } = Protocol.GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>
    /// Send the message of an unexpected handler exception to the client. Off by default: exception text can leak
    /// internals; the exception is always logged.
    /// </summary>
    public bool EnableDetailedErrors { get; set; }
}
