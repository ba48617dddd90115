namespace RoboTracer.Fleet.ServiceDefaults;

/// <summary>Sends idempotent requests through <see cref="FleetHttpDefaults.RetryPipeline"/>; others once.</summary>
internal sealed class TransientRetryHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!FleetHttpDefaults.IsIdempotent(request.Method))
        {
            return base.SendAsync(request, cancellationToken);
        }
        return FleetHttpDefaults.RetryPipeline.ExecuteAsync(
            static (state, token) => new ValueTask<HttpResponseMessage>(state.Handler.SendOnceAsync(state.Request, token)),
            (Handler: this, Request: request),
            cancellationToken).AsTask();
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
