using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace RoboTracer.Fleet.ServiceDefaults;

/// <summary>
/// ASP.NET Core's own server activity carries no HTTP attributes and is named
/// <c>Microsoft.AspNetCore.Hosting.HttpRequestIn</c>; OpenTelemetry.Instrumentation.AspNetCore (not in our registry)
/// would add them. This first middleware adds the stable HTTP server semantic conventions (method, scheme, path,
/// route, status) and names the span <c>{method} {route}</c>, so the Aspire dashboard shows requests by route.
/// </summary>
internal sealed class ServerSpanEnrichment : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(EnrichAsync);
        next(app);
    };

    private static async Task EnrichAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Features.Get<IHttpActivityFeature>()?.Activity is not { IsAllDataRequested: true } activity)
        {
            await next(context);
            return;
        }
        var request = context.Request;
        activity.SetTag("http.request.method", request.Method);
        activity.SetTag("url.scheme", request.Scheme);
        activity.SetTag("url.path", request.Path.Value);
        activity.SetTag("server.address", request.Host.Host);
        if (request.Host.Port is { } port)
        {
            activity.SetTag("server.port", port);
        }
        try
        {
            await next(context);
        }
        catch (Exception e)
        {
            activity.SetStatus(ActivityStatusCode.Error, e.GetType().FullName);
            throw;
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            if (route is not null)
            {
                activity.SetTag("http.route", route);
            }
            activity.DisplayName = route is null ? request.Method : $"{request.Method} {route}";
            activity.SetTag("http.response.status_code", context.Response.StatusCode);
            // Semantic conventions: for a server span only 5xx is an error; 4xx is the client's.
            if (context.Response.StatusCode >= 500)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }
    }
}
