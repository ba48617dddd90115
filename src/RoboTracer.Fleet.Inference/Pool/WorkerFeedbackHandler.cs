namespace RoboTracer.Fleet.Inference.Pool;

/// <summary>
/// Sits between the balancer and the sockets, where a request's URI already names the worker it was picked for, and
/// tells the balancer when a worker refused the call: a Trailers-Only response (the status in the headers, no
/// message) with UNAVAILABLE or RESOURCE_EXHAUSTED. The balancer's own call tracker sees only transport failures,
/// not gRPC statuses, and the retry that follows must go to another worker.
/// </summary>
/// <remarks>
/// A connection that breaks before the worker answered (a worker killed without a drain closes its HTTP/2
/// connections under the calls) is answered the same way, as UNAVAILABLE: Grpc.Net.Client would report the broken
/// stream as INTERNAL (the gRPC mapping of HTTP/2 NO_ERROR), which is not retried. A trace query is a read, so
/// asking another worker is safe even if the dead one had started on it.
/// </remarks>
internal sealed class WorkerFeedbackHandler(PoolWorkers workers) : DelegatingHandler
{
    private const string Unavailable = "14";
    private const string ResourceExhausted = "8";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            if (request.RequestUri is { } failed)
            {
                workers.Find(failed.Host, failed.Port)?.MarkRefused();
            }
            return UnavailableResponse(request, $"worker {request.RequestUri?.Authority} broke the connection before answering: {e.Message}");
        }
        if (response.Headers.TryGetValues("grpc-status", out var values)
            && values.FirstOrDefault() is Unavailable or ResourceExhausted
            && request.RequestUri is { } uri)
        {
            workers.Find(uri.Host, uri.Port)?.MarkRefused();
        }
        return response;
    }

    /// <summary>A Trailers-Only gRPC response: HTTP 200 with the status in its headers and no body.</summary>
    private static HttpResponseMessage UnavailableResponse(HttpRequestMessage request, string message)
    {
        var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK)
        {
            RequestMessage = request,
            Version = System.Net.HttpVersion.Version20,
            Content = new ByteArrayContent([]),
        };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        response.Headers.Add("grpc-status", Unavailable);
        response.Headers.Add("grpc-message", Uri.EscapeDataString(message));
        return response;
    }
}
