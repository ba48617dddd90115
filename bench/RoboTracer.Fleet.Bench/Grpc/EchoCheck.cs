using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using RoboTracer.Fleet.Bench.Harness;

namespace RoboTracer.Fleet.Bench.Grpc;

/// <summary>
/// One real gRPC call through our client before a server is loaded: h2load only counts HTTP 2xx, so this is what
/// shows that the responses it will count are gRPC successes (grpc-status 0 and the request echoed).
/// </summary>
internal static class EchoCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task VerifyAsync(string name, string address, BytesValue request, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(address);
        using var call = channel.CreateCallInvoker().AsyncUnaryCall(EchoService.Unary, null, new CallOptions(deadline: DateTime.UtcNow + Timeout, cancellationToken: cancellationToken), request);
        BytesValue response;
        try
        {
            response = await call;
        }
        catch (RpcException ex)
        {
            throw new BenchmarkFailedException($"{name}: the check call {EchoService.Unary} failed with {ex.StatusCode}: {ex.Status.Detail}", ex);
        }
        var status = call.GetStatus();
        if (status.StatusCode != StatusCode.OK || !response.Equals(request))
        {
            throw new BenchmarkFailedException($"{name}: the check call {EchoService.Unary} ended with {status.StatusCode} and {(response.Equals(request) ? "the" : "not the")} echo.");
        }
    }
}
