namespace RoboTracer.Fleet.Grpc;

/// <summary>
/// A call that ended with a non-OK status. Thrown by clients for every failed call, and by server handlers to
/// end a call with a chosen status.
/// </summary>
public sealed class RpcException : Exception
{
    /// <summary>Creates an exception for <paramref name="status"/>.</summary>
    public RpcException(Status status, Metadata? trailers = null, Exception? innerException = null)
        : base(status.ToString(), innerException)
    {
        Status = status;
        Trailers = trailers ?? [];
    }

    /// <summary>Creates an exception for a code and detail.</summary>
    public RpcException(StatusCode code, string detail) : this(new Status(code, detail))
    {
    }

    /// <summary>The call's status.</summary>
    public Status Status { get; }

    /// <summary>The status code, shorthand for <c>Status.StatusCode</c>.</summary>
    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>Trailers the server sent with the status (empty when none, or when raised on the client).</summary>
    public Metadata Trailers { get; }
}
