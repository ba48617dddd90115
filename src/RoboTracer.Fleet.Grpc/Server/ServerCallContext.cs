using Microsoft.AspNetCore.Http;

namespace RoboTracer.Fleet.Grpc.Server;

/// <summary>What a server handler knows about the call it serves.</summary>
public abstract class ServerCallContext
{
    /// <summary>The method's full name, <c>/package.Service/Method</c>.</summary>
    public abstract string Method { get; }

    /// <summary>The remote address, e.g. <c>ipv4:127.0.0.1:53022</c>.</summary>
    public abstract string Peer { get; }

    /// <summary>When the client gives up (from <c>grpc-timeout</c>); <see cref="DateTime.MaxValue"/> for none.</summary>
    public abstract DateTime Deadline { get; }

    /// <summary>
    /// True once the deadline has passed (the moment <see cref="CancellationToken"/> fired for it), as opposed to
    /// the client cancelling. Read this rather than comparing <see cref="Deadline"/> with the clock, which races
    /// the timer.
    /// </summary>
    public abstract bool DeadlineExceeded { get; }

    /// <summary>Custom metadata the client sent.</summary>
    public abstract Metadata RequestHeaders { get; }

    /// <summary>Trailers to send with the status; add to it before the handler returns.</summary>
    public abstract Metadata ResponseTrailers { get; }

    /// <summary>
    /// Cancelled when the client cancels (RST_STREAM), the connection drops, or the deadline passes. Pass it to
    /// everything the handler awaits.
    /// </summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>The status to send when the handler returns normally; OK unless set.</summary>
    public abstract Status Status { get; set; }

    /// <summary>Sends response headers now, before the first message.</summary>
    public abstract Task WriteResponseHeadersAsync(Metadata responseHeaders);

    /// <summary>The underlying HTTP context, for what gRPC does not model (connection info, features).</summary>
    public abstract HttpContext GetHttpContext();
}
