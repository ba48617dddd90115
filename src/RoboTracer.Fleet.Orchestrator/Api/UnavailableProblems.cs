using Microsoft.AspNetCore.Diagnostics;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.Grains.EventSourcing;

namespace RoboTracer.Fleet.Orchestrator.Api;

/// <summary>
/// Failures that pass: the event store is down, the silo that holds a task or robot died and the cluster has not yet
/// moved it, an activation found itself stale. A call that meets one is answered 503 problem+json with Retry-After,
/// saying what was unavailable, rather than a bare 500; nothing was changed by it (a write that failed was not
/// acknowledged). Anything else stays a 500.
/// </summary>
internal sealed partial class UnavailableProblems(IProblemDetailsService problems, ILogger<UnavailableProblems> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (title, detail, retryAfterSeconds) = exception switch
        {
            EventStoreUnavailableException e => ("Event store unavailable", $"The event store did not answer: {e.Message}. Nothing was changed; retry shortly.", 2),
            SiloUnavailableException or OrleansMessageRejectionException or TimeoutException =>
                ("Fleet node unavailable", $"The orchestrator node that holds this task or robot did not answer ({exception.Message}); the cluster moves its work to a live node within seconds. Retry shortly.", 5),
            StaleActivationException => ("Fleet node busy", "The task or robot was being moved between nodes; retry now.", 1),
            _ => (null, null, 0),
        };
        if (title is null)
        {
            return false;
        }
        LogUnavailable(httpContext.Request.Method, httpContext.Request.Path, title, exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = title, Detail = detail },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503, {Title}: {Error}")]
    private partial void LogUnavailable(string method, string path, string title, string error);
}
