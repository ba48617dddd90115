namespace RoboTracer.Fleet.Orchestrator.Api;

/// <summary>
/// <c>Authorization: Bearer &lt;FLEET_API_TOKEN&gt;</c> on an endpoint: 401 problem+json otherwise, before the handler
/// runs, so a rejected call changes nothing. Browsers' EventSource cannot set headers, so the stream also takes
/// <c>?access_token=</c> (RFC 6750 §2.3).
/// </summary>
internal sealed class ApiTokenFilter(OrchestratorOptions options, bool forReads) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (forReads && !options.RequireTokenForReads)
        {
            return await next(context);
        }
        var request = context.HttpContext.Request;
        var presented = OrchestratorOptions.BearerToken(request.Headers.Authorization.ToString());
        if (presented is null && forReads)
        {
            presented = request.Query["access_token"].ToString() is { Length: > 0 } query ? query : null;
        }
        if (OrchestratorOptions.SecretMatches(presented, options.ApiToken))
        {
            return await next(context);
        }
        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: presented is null ? "Missing API token" : "Wrong API token",
            detail: presented is null
                ? "This call needs 'Authorization: Bearer <token>' with the fleet's API token (FLEET_API_TOKEN)."
                : "The bearer token is not the fleet's API token (FLEET_API_TOKEN).");
    }
}
