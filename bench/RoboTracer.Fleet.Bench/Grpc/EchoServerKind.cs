namespace RoboTracer.Fleet.Bench.Grpc;

/// <summary>Which .NET server a <c>grpc-server</c> child process hosts.</summary>
internal enum EchoServerKind
{
    /// <summary>Our gRPC server: <c>AddGrpc()</c> + <c>MapGrpcService&lt;EchoService&gt;()</c>.</summary>
    Ours,

    /// <summary>
    /// The same Kestrel HTTP/2 endpoint with a bare <see cref="Microsoft.AspNetCore.Http.RequestDelegate"/> and
    /// no gRPC layer: the most any server on this Kestrel can do for these bytes.
    /// </summary>
    Limit,
}
