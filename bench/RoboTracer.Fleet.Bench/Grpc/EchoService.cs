using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace RoboTracer.Fleet.Bench.Grpc;

/// <summary>
/// <c>fleet.testing.Echo/Unary</c> on Grpc.AspNetCore, the method tests/peers/echo_server.py serves: the request
/// BytesValue comes back as the response. Nothing else runs, so what is measured is the gRPC layer.
/// </summary>
public sealed class EchoService
{
    public static readonly Method<BytesValue, BytesValue> Unary = new(MethodType.Unary, "fleet.testing.Echo", "Unary",
        Marshallers.Create(static (BytesValue m) => m.ToByteArray(), BytesValue.Parser.ParseFrom),
        Marshallers.Create(static (BytesValue m) => m.ToByteArray(), BytesValue.Parser.ParseFrom));

    /// <summary>Binds Unary, as generated code binds a service's methods.</summary>
    public sealed class MethodProvider : IServiceMethodProvider<EchoService>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<EchoService> context) =>
            context.AddUnaryMethod(Unary, [], static (_, request, _) => Task.FromResult(request));
    }
}
