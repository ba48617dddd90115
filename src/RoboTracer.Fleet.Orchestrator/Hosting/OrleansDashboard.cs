using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Orleans.Dashboard;

namespace RoboTracer.Fleet.Orchestrator.Hosting;

/// <summary>
/// The Orleans Dashboard (Microsoft.Orleans.Dashboard) at <c>/orleans/</c>, under the fleet's read policy, and Orleans'
/// own telemetry (grain-call spans; ServiceDefaults exports them with Orleans' meter).
/// </summary>
/// <remarks>
/// With <c>Fleet:RequireTokenForReads</c> the dashboard needs the API token like every read. Its page is a browser
/// app whose scripts call its JSON routes with no header of ours, so <c>/orleans/?access_token=TOKEN</c> (RFC 6750
/// §2.3) also leaves an HttpOnly, SameSite=Strict cookie for the dashboard's path that later dashboard requests
/// present instead. The cookie holds a value derived from the token, not the token: it opens the dashboard and
/// nothing else, so a leaked cookie cannot submit or cancel tasks.
/// </remarks>
internal static class OrleansDashboard
{
    public const string RoutePrefix = "/orleans";

    public const string CookieName = "fleet_orleans_dashboard";

    private static readonly (string Title, string Detail) MissingToken = ("Missing API token",
        $"Reads need the fleet's API token (FLEET_API_TOKEN): open {RoutePrefix}/?access_token=<token> once in the browser, or send 'Authorization: Bearer <token>'.");

    private static readonly (string Title, string Detail) WrongToken = ("Wrong API token", "The token is not the fleet's API token (FLEET_API_TOKEN).");

    private static readonly (string Title, string Detail) StaleCookie = ("Wrong API token",
        $"The dashboard's cookie was not made with the fleet's current API token: open {RoutePrefix}/?access_token=<token> again.");

    /// <summary>The dashboard's silo side: its grains, its silo grain service, the grain profiler and its log stream.</summary>
    public static ISiloBuilder AddFleetOrleansDashboard(this ISiloBuilder silo) => silo.AddDashboard();

    /// <summary>
    /// Grain calls as spans: Orleans 10.4.2 starts them (<c>Microsoft.Orleans.Application</c> for the fleet's grains,
    /// <c>Microsoft.Orleans.Runtime</c> for its own) and carries the caller's trace through the request context only
    /// with these call filters; without them a task's trace stops at the first grain call. Heartbeats excepted
    /// (<see cref="UntracedGrainCalls"/>, first: filters run in the order they were added).
    /// </summary>
    public static ISiloBuilder AddFleetOrleansTelemetry(this ISiloBuilder silo) => silo
        .AddIncomingGrainCallFilter<UntracedGrainCalls>()
        .AddOutgoingGrainCallFilter<UntracedGrainCalls>()
        .AddActivityPropagation();

    public static WebApplication MapFleetOrleansDashboard(this WebApplication app, OrchestratorOptions options)
    {
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        IEndpointConventionBuilder dashboard = app.MapOrleansDashboard(RoutePrefix);
        // Its routes are minimal-API handlers today, but a filter would run only on those (and after binding): a
        // convention around every endpoint's delegate gates whatever the package maps, first.
        dashboard.Add(endpoint => Wrap(endpoint, next => context => ServeAsync(context, next, lifetime)));
        if (options.RequireTokenForReads)
        {
            var cookie = CookieValue(options.ApiToken);
            dashboard.Add(endpoint => Wrap(endpoint, next => context => AuthorizeAsync(context, next, options, cookie)));
        }
        // Not the fleet's API: kept out of /openapi/v1.json.
        dashboard.ExcludeFromDescription();
        return app;
    }

    /// <summary>The cookie's value: HMAC-SHA256 of a fixed label keyed by the API token, in hex.</summary>
    public static string CookieValue(string apiToken) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(apiToken), "robotracer-fleet orleans-dashboard"u8));

    private static void Wrap(EndpointBuilder endpoint, Func<RequestDelegate, RequestDelegate> wrapper)
    {
        var next = endpoint.RequestDelegate ?? throw new InvalidOperationException($"Endpoint '{endpoint.DisplayName}' has no request delegate.");
        endpoint.RequestDelegate = wrapper(next);
    }

    private static async Task ServeAsync(HttpContext context, RequestDelegate next, IHostApplicationLifetime lifetime)
    {
        // The page polls its JSON routes every second while it is open: as traces those would bury the tasks' own.
        // Not recorded, like the health probes (the SDK exports no unrecorded span, nor the grain calls under it).
        if (context.Features.Get<IHttpActivityFeature>()?.Activity is { } activity)
        {
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            activity.IsAllDataRequested = false;
        }
        // The log stream (/orleans/Trace) ends only after an hour or when the browser leaves: without this, a stopping
        // orchestrator would wait for it until the host's shutdown timeout.
        await using var stopping = lifetime.ApplicationStopping.Register(static c => ((HttpContext)c!).Abort(), context);
        await next(context);
    }

    private static Task AuthorizeAsync(HttpContext context, RequestDelegate next, OrchestratorOptions options, string cookie)
    {
        var request = context.Request;
        // One credential decides, in this order: a header beats the query, the query beats an older cookie.
        if (OrchestratorOptions.BearerToken(request.Headers.Authorization.ToString()) is { } bearer)
        {
            return OrchestratorOptions.SecretMatches(bearer, options.ApiToken) ? next(context) : RejectAsync(context, WrongToken);
        }
        if (request.Query["access_token"].ToString() is { Length: > 0 } query)
        {
            if (!OrchestratorOptions.SecretMatches(query, options.ApiToken))
            {
                return RejectAsync(context, WrongToken);
            }
            context.Response.Cookies.Append(CookieName, cookie, new CookieOptions
            {
                Path = RoutePrefix,
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = request.IsHttps,
            });
            return next(context);
        }
        if (request.Cookies[CookieName] is { Length: > 0 } presented)
        {
            return OrchestratorOptions.SecretMatches(presented, cookie) ? next(context) : RejectAsync(context, StaleCookie);
        }
        return RejectAsync(context, MissingToken);
    }

    private static Task RejectAsync(HttpContext context, (string Title, string Detail) problem)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: problem.Title, detail: problem.Detail).ExecuteAsync(context);
    }
}
