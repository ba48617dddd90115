using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace RoboTracer.Fleet.ServiceDefaults;

/// <summary>
/// Service defaults every fleet host adds first, in the shape of Aspire's ServiceDefaults template: OpenTelemetry
/// (traces, metrics and logs over OTLP), the <c>/health</c> and <c>/alive</c> endpoints, HttpClient resilience and
/// service discovery.
/// </summary>
public static class Extensions
{
    /// <summary>The endpoint that runs every health check (readiness).</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>The endpoint that runs the checks tagged <see cref="LiveTag"/> (liveness).</summary>
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>The tag of liveness checks.</summary>
    public const string LiveTag = "live";

    /// <summary>
    /// Orleans' grain-call spans (Orleans 10.4.2, <c>Orleans.Diagnostics.ActivitySources</c>; a silo starts them only
    /// with <c>AddActivityPropagation()</c>): <c>Microsoft.Orleans.Application</c> for calls to the fleet's grains, so
    /// a task's trace runs through them, and <c>Microsoft.Orleans.Runtime</c> for Orleans' own grains and system
    /// targets (see <see cref="InTraceOnlyActivitySources"/>).
    /// </summary>
    internal static readonly string[] OrleansActivitySources = ["Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime"];

    /// <summary>
    /// Sources whose spans are exported only within a trace something else started (<see cref="BackgroundRootFilter"/>):
    /// Orleans' runtime calls and Npgsql's commands (Npgsql.OpenTelemetry's source is named <c>Npgsql</c>).
    /// </summary>
    internal static readonly HashSet<string> InTraceOnlyActivitySources = ["Microsoft.Orleans.Runtime", "Npgsql"];

    /// <summary>
    /// Meters the instrumentation packages do not add: Kestrel's connections and <c>Microsoft.Orleans</c>, the silo's
    /// (Orleans 10.4.2 <c>OrleansInstruments</c>: messaging, activations, grain calls, the scheduler, membership).
    /// </summary>
    internal static readonly string[] FrameworkMeters = ["Microsoft.AspNetCore.Server.Kestrel", "Microsoft.Orleans"];

    /// <summary>
    /// The resilience handler's log category. Polly logs every execution of every request at Information, the OTLP
    /// exporter's too (its HttpClient comes from the factory): two lines per export batch, on the console and in the
    /// dashboard's logs, that are not the application's. Retries and failures are logged at Warning and stay.
    /// </summary>
    internal const string ResilienceLogCategory = "Polly";

    /// <summary>
    /// Adds OpenTelemetry (exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set), the default health
    /// checks, service discovery, and for every HttpClient from the factory the standard resilience handler and
    /// service discovery.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Logging.AddFilter(ResilienceLogCategory, LogLevel.Warning);
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Timeouts per attempt and in total, a circuit breaker, and retries of transient failures with backoff;
            // never for POST, PATCH or the like: one may have taken effect before its response was lost.
            http.AddStandardResilienceHandler(options => options.Retry.DisableForUnsafeHttpMethods());
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>
    /// Traces (ASP.NET Core, HttpClient, Grpc.Net.Client, Npgsql, Orleans' grain calls and every
    /// <c>RoboTracer.Fleet*</c> source), metrics (the same instrumentation, the runtime's, Kestrel's, Orleans' and every
    /// <c>RoboTracer.Fleet*</c> meter) and logs, exported over OTLP as the standard variables say
    /// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>_PROTOCOL</c>: <c>grpc</c>, the .NET SDK's default, or
    /// <c>http/protobuf</c>; <c>_HEADERS</c>; <c>OTEL_SERVICE_NAME</c>, default: the application name;
    /// <c>OTEL_RESOURCE_ATTRIBUTES</c>). Unlike the template, nothing is registered without an endpoint: no listener,
    /// so no activity is even created on a service that exports nowhere.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!OtlpSettings.ExportIsConfigured(builder.Configuration))
        {
            return builder;
        }
        var serviceName = OtlpSettings.ServiceName(builder.Configuration, builder.Environment.ApplicationName);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            // OTEL_RESOURCE_ATTRIBUTES (e.g. service.instance.id from the AppHost) is read after the generated instance
            // id so it can replace it; service.name goes last because OTEL_SERVICE_NAME wins over the attributes.
            .ConfigureResource(resource => resource.Clear()
                .AddService(serviceName)
                .AddTelemetrySdk()
                .AddEnvironmentVariableDetector()
                .AddAttributes([new KeyValuePair<string, object>("service.name", serviceName)]))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsHealthProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddGrpcClientInstrumentation()
                .AddNpgsql()
                .AddSource(FleetTelemetry.ActivitySourceName, FleetTelemetry.ChildNamePattern)
                .AddSource(OrleansActivitySources)
                .AddProcessor(new BackgroundRootFilter()))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(FrameworkMeters)
                .AddMeter(FleetTelemetry.MeterName, FleetTelemetry.ChildNamePattern))
            .UseOtlpExporter();
        return builder;
    }

    /// <summary>Adds the <c>self</c> liveness check: the process answers, whatever its dependencies say.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check must pass: ready for traffic) and <c>/alive</c> (only the liveness checks: the
    /// process should not be restarted). Requests to them are not traced: orchestrators poll them every few seconds.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        return app;
    }

    private static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments(HealthEndpointPath, StringComparison.OrdinalIgnoreCase) ||
        path.StartsWithSegments(AlivenessEndpointPath, StringComparison.OrdinalIgnoreCase);
}
