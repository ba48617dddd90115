using Google.Protobuf.WellKnownTypes;
using RoboTracer.Fleet.Grpc;
using RoboTracer.Fleet.Grpc.Server;

namespace RoboTracer.Fleet.Bench.Grpc;

/// <summary>
/// <c>fleet.testing.Echo/Unary</c> on our server, the method tests/peers/echo_server.py serves: the request
/// BytesValue comes back as the response. Nothing else runs, so what is measured is the gRPC layer.
/// </summary>
public sealed class EchoService : IGrpcService<EchoService>
{
    public static readonly Method<BytesValue, BytesValue> Unary =
        new(MethodType.Unary, "fleet.testing.Echo", "Unary", BytesValue.Parser, BytesValue.Parser);

    public static void Bind(GrpcServiceBinder<EchoService> binder) =>
        binder.AddUnary(Unary, static (_, request, _) => Task.FromResult(request));
}
