namespace RoboTracer.Fleet.Orchestrator.Api;

/// <summary>
/// A detail for the problems the framework writes on its own (no route for the path, a method the route does not take,
/// a body type no route reads), so that every 4xx says what was wrong and what to send instead, as ours do.
/// </summary>
internal static class ProblemDefaults
{
    public static void AddDetail(ProblemDetailsContext context)
    {
        if (!string.IsNullOrEmpty(context.ProblemDetails.Detail))
        {
            return;
        }
        var request = context.HttpContext.Request;
        var path = request.Path.Value;
        context.ProblemDetails.Detail = context.ProblemDetails.Status switch
        {
            StatusCodes.Status404NotFound => $"Nothing answers {request.Method} {path}. The API's routes are listed in /openapi/v1.json (browse them at /scalar).",
            StatusCodes.Status405MethodNotAllowed => $"{path} does not take {request.Method}. /openapi/v1.json lists the methods each route takes.",
            StatusCodes.Status415UnsupportedMediaType => $"The body's Content-Type is '{request.ContentType}'; send JSON with 'Content-Type: application/json'.",
            _ => $"{request.Method} {path} answered {context.ProblemDetails.Status}: {context.ProblemDetails.Title}.",
        };
    }
}
