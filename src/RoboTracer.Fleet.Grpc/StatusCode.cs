namespace RoboTracer.Fleet.Grpc;

/// <summary>The gRPC status codes (grpc/grpc doc/statuscodes.md); numeric values are on the wire.</summary>
public enum StatusCode
{
    /// <summary>Not an error.</summary>
    OK = 0,
    /// <summary>The call was cancelled, typically by the caller.</summary>
    Cancelled = 1,
    /// <summary>Unknown error, e.g. an exception the server did not map.</summary>
    Unknown = 2,
    /// <summary>The client sent an argument that is invalid whatever the system state.</summary>
    InvalidArgument = 3,
    /// <summary>The deadline expired before the call completed.</summary>
    DeadlineExceeded = 4,
    /// <summary>A requested entity was not found.</summary>
    NotFound = 5,
    /// <summary>The entity the client tried to create already exists.</summary>
    AlreadyExists = 6,
    /// <summary>The caller may not perform the operation.</summary>
    PermissionDenied = 7,
    /// <summary>A resource (quota, queue slot, message size) is exhausted.</summary>
    ResourceExhausted = 8,
    /// <summary>The system is not in the state the operation needs.</summary>
    FailedPrecondition = 9,
    /// <summary>The operation was aborted, e.g. by a concurrency conflict.</summary>
    Aborted = 10,
    /// <summary>The operation was attempted past the valid range.</summary>
    OutOfRange = 11,
    /// <summary>The method is not implemented or not supported.</summary>
    Unimplemented = 12,
    /// <summary>An invariant the system relies on is broken, e.g. a malformed frame.</summary>
    Internal = 13,
    /// <summary>The service is currently unavailable; retrying on another server may succeed.</summary>
    Unavailable = 14,
    /// <summary>Unrecoverable data loss or corruption.</summary>
    DataLoss = 15,
    /// <summary>The request has no valid authentication credentials.</summary>
    Unauthenticated = 16,
}
