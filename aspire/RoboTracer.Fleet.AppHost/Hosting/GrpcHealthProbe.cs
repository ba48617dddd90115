using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>
/// <c>grpc.health.v1.Health/Check</c> of the whole server answering SERVING. A pool worker reports NOT_SERVING while
/// it warms its backends, so this waits for the warm-up, not just for the port.
/// </summary>
internal sealed class GrpcHealthProbe(string endpointName) : HealthProbe(endpointName)
{
    public override async Task<bool> CheckAsync(string endpointUrl, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(endpointUrl);
        try
        {
            using var call = new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), new CallOptions(deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken));
            var response = await call.ResponseAsync;
            return response.Status == HealthCheckResponse.Types.ServingStatus.Serving;
        }
        catch (RpcException e) when (cancellationToken.IsCancellationRequested)
        {
            // The channel reports the caller's cancellation as CANCELLED; the caller waits for a cancellation.
            throw new OperationCanceledException("the health check was cancelled", e, cancellationToken);
        }
        catch (Exception e) when (e is RpcException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
