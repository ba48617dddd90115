using Microsoft.AspNetCore.Authentication;
using RoboTracer.Fleet.Orchestrator.Api;
using RoboTracer.Fleet.Orchestrator.Hosting;
using RoboTracer.Fleet.Orchestrator.Robots;
using RoboTracer.Fleet.Orchestrator.Telemetry;
using RoboTracer.Fleet.Planner;
using RoboTracer.Fleet.ServiceDefaults;

namespace RoboTracer.Fleet.Orchestrator;

/// <summary>Composition of the orchestrator (the silo host).</summary>
internal static class OrchestratorExtensions
{
    public static WebApplicationBuilder AddFleetOrchestrator(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.WebHost.UseFleetEndpoints();
        // The dashboard from a build output started anywhere (not only from the project folder): the build's
        // static-web-assets manifest points at wwwroot; a published app has wwwroot beside it and no manifest.
        builder.WebHost.UseStaticWebAssets();
        var options = OrchestratorOptions.FromConfiguration(configuration);
        builder.Services.AddSingleton(options);
        builder.Services.AddFleetPlanner(configuration);
        builder.Services.AddSingleton<TaskTelemetry>();
        builder.Services.AddSingleton<RobotSessions>();
        builder.AddFleetSilo();
        builder.Services.AddSingleton(sp => new ObservationIngest(sp.GetRequiredService<FleetNode>().Store));
        builder.AddFleetGrpc();
        builder.Services.AddSingleton<RobotLinkService>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = ProblemDefaults.AddDetail);
        builder.Services.AddExceptionHandler<UnavailableProblems>();
        // Binding failures reach BadRequestProblems, which says what was wrong, rather than a bare 400.
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestProblems>();
        builder.Services.AddAuthentication(ApiTokenAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication>(ApiTokenAuthentication.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddFleetOpenApi();
        return builder;
    }

    public static WebApplication MapFleetOrchestrator(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<OrchestratorOptions>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGrpcService<RobotLinkService>();
        app.MapFleetGrpcServices();
        app.MapTaskEndpoints(options);
        app.MapFleetEndpoints(options);
        app.MapFleetOrleansDashboard(options);
        app.MapFleetOpenApi();
        return app;
    }
}
