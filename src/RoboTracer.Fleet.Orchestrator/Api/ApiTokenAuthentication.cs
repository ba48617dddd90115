using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace RoboTracer.Fleet.Orchestrator.Api;

/// <summary>
/// The fleet's API token as an ASP.NET Core authentication scheme: <c>Authorization: Bearer &lt;FLEET_API_TOKEN&gt;</c>
/// (RFC 6750 §2.1). Browsers' EventSource cannot set headers, so a GET may carry it as <c>?access_token=</c> (§2.3).
/// Routes that need it say so with <see cref="AuthorizationEndpointConventionBuilderExtensions.RequireAuthorization{TBuilder}(TBuilder, string[])"/>:
/// the authorization middleware answers 401 before the route binds its body or runs, so a call without the token
/// changes nothing and learns nothing about its body (a malformed one is still 401, not 400).
/// </summary>
internal sealed class ApiTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    OrchestratorOptions fleet,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    /// <summary>The scheme's name, also the OpenAPI security scheme's.</summary>
    public const string SchemeName = "Bearer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Presented();
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (!OrchestratorOptions.SecretMatches(presented, fleet.ApiToken))
        {
            return Task.FromResult(AuthenticateResult.Fail("The bearer token is not the fleet's API token (FLEET_API_TOKEN)."));
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "fleet-api")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var missing = Presented() is null;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = SchemeName;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = missing ? "Missing API token" : "Wrong API token",
                Detail = missing
                    ? "This call needs 'Authorization: Bearer <token>' with the fleet's API token (FLEET_API_TOKEN)."
                    : "The bearer token is not the fleet's API token (FLEET_API_TOKEN).",
            },
        });
    }

    private string? Presented()
    {
        if (OrchestratorOptions.BearerToken(Request.Headers.Authorization.ToString()) is { } bearer)
        {
            return bearer;
        }
        return HttpMethods.IsGet(Request.Method) && Request.Query["access_token"].ToString() is { Length: > 0 } query ? query : null;
    }
}
