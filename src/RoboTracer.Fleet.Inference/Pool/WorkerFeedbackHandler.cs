namespace RoboTracer.Fleet.Inference.Pool;

/// <summary>
/// Sits between the balancer and the sockets, where a request's URI already names the worker it was picked for, and
/// tells the balancer when a worker refused the call: a Trailers-Only response (the status in the headers, no
/// message) with UNAVAILABLE or RESOURCE_EXHAUSTED. The balancer's own call tracker sees only transport failures,
/// not gRPC statuses, and the retry that follows must go to another worker.
/// </summary>
internal sealed class WorkerFeedbackHandler(PoolWorkers workers) : DelegatingHandler
{
    private const string Unavailable = "14";
    private const string ResourceExhausted = "8";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("grpc-status", out var values)
            && values.FirstOrDefault() is Unavailable or ResourceExhausted
            && request.RequestUri is { } uri)
        {
            workers.Find(uri.Host, uri.Port)?.MarkRefused();
        }
        return response;
    }
}
