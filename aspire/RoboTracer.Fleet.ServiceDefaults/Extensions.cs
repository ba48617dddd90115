using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace RoboTracer.Fleet.ServiceDefaults;

/// <summary>
/// Service defaults every fleet host adds first, in the shape of .NET Aspire's ServiceDefaults project (the real
/// one needs OpenTelemetry.Extensions.Hosting and Microsoft.Extensions.Http.Resilience, which our registry lacks;
/// DESIGN.md §2): OTLP traces, metrics and logs, the <c>/health</c> and <c>/alive</c> endpoints, and HttpClient
/// defaults.
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
    /// The framework sources the tracer provider listens to: ASP.NET Core's server spans (gRPC calls included),
    /// HttpClient's, and Grpc.Net.Client's call spans, so a trace crosses from a gRPC client to its server.
    /// </summary>
    internal static readonly string[] FrameworkActivitySources = ["Microsoft.AspNetCore", "System.Net.Http", "Grpc.Net.Client"];

    /// <summary>
    /// Orleans' grain-call spans (Orleans 10.4.2, <c>Orleans.Diagnostics.ActivitySources</c>; a silo starts them only
    /// with <c>AddActivityPropagation()</c>): <c>Microsoft.Orleans.Application</c> for calls to the fleet's grains, so
    /// a task's trace runs through them, and <see cref="OrleansRuntimeActivitySource"/> for Orleans' own grains and
    /// system targets.
    /// </summary>
    internal static readonly string[] OrleansActivitySources = ["Microsoft.Orleans.Application", OrleansRuntimeActivitySource];

    /// <summary>Orleans' runtime calls: exported only within a trace something else started (<see cref="OrleansRuntimeRootFilter"/>).</summary>
    internal const string OrleansRuntimeActivitySource = "Microsoft.Orleans.Runtime";

    /// <summary>
    /// The framework meters the meter provider listens to; <c>Microsoft.Orleans</c> is the silo's (Orleans 10.4.2
    /// <c>OrleansInstruments</c>: messaging, activations, grain calls, the scheduler, membership).
    /// </summary>
    internal static readonly string[] FrameworkMeters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "Microsoft.Orleans"];

    /// <summary>
    /// Adds OpenTelemetry (exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set), the default health
    /// checks, and HttpClient defaults (a total timeout; retries of idempotent requests on transient failures).
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.ConfigureHttpClient(client => client.Timeout = FleetHttpDefaults.TotalTimeout);
            http.AddHttpMessageHandler(() => new TransientRetryHandler());
        });
        return builder;
    }

    /// <summary>
    /// Traces (ASP.NET Core, HttpClient, Orleans' grain calls and every <c>RoboTracer.Fleet*</c> source), metrics (the
    /// framework meters, Orleans' and every <c>RoboTracer.Fleet*</c> meter) and logs, exported over OTLP to
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> with <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (<c>grpc</c>, the .NET SDK's default,
    /// or <c>http/protobuf</c>), <c>OTEL_EXPORTER_OTLP_HEADERS</c>, and <c>OTEL_SERVICE_NAME</c> (default: the
    /// application name) as <c>service.name</c>. Without an endpoint nothing is registered: no listener, so no activity is even created.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = OtlpSettings.From(builder.Configuration, builder.Environment.ApplicationName);
        if (settings is null)
        {
            return builder;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            logging.SetResourceBuilder(CreateResource(settings));
            logging.AddOtlpExporter(options => settings.Apply(options, "logs"));
        });

        // Built by the container, so disposed (flushed, then shut down) with the host; the hosted service below makes
        // the container build them when the host starts rather than on first use.
        builder.Services.AddSingleton(_ => Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(CreateResource(settings))
            .AddSource(FrameworkActivitySources)
            .AddSource(FleetTelemetry.ActivitySourceName, FleetTelemetry.ChildNamePattern)
            .AddSource(OrleansActivitySources)
            // Before the exporter: it decides at a span's start whether the exporter sees it at its end.
            .AddProcessor(new OrleansRuntimeRootFilter())
            .AddOtlpExporter(options => settings.Apply(options, "traces"))
            .Build() ?? throw new InvalidOperationException("The OpenTelemetry SDK built no tracer provider."));
        builder.Services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(CreateResource(settings))
            .AddMeter(FrameworkMeters)
            .AddMeter(FleetTelemetry.MeterName, FleetTelemetry.ChildNamePattern)
            .AddOtlpExporter(options => settings.Apply(options, "metrics"))
            .Build() ?? throw new InvalidOperationException("The OpenTelemetry SDK built no meter provider."));
        builder.Services.AddHostedService<TelemetryProviderActivation>();
        builder.Services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, ServerSpanEnrichment>();
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
        app.MapHealthChecks(HealthEndpointPath).Add(DoNotRecordRequest);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) }).Add(DoNotRecordRequest);
        return app;
    }

    private static ResourceBuilder CreateResource(OtlpSettings settings) =>
        // OTEL_RESOURCE_ATTRIBUTES (e.g. service.instance.id from the AppHost) is read after the generated instance
        // id so it can replace it; service.name goes last because OTEL_SERVICE_NAME wins over the attributes.
        ResourceBuilder.CreateEmpty()
            .AddService(settings.ServiceName)
            .AddTelemetrySdk()
            .AddEnvironmentVariableDetector()
            .AddAttributes([new KeyValuePair<string, object>("service.name", settings.ServiceName)]);

    private static void DoNotRecordRequest(EndpointBuilder endpoint)
    {
        var next = endpoint.RequestDelegate ?? throw new InvalidOperationException($"Endpoint '{endpoint.DisplayName}' has no request delegate.");
        endpoint.RequestDelegate = context =>
        {
            // The SDK's span processors skip an activity that is not recorded when it stops.
            if (context.Features.Get<IHttpActivityFeature>()?.Activity is { } activity)
            {
                activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
                activity.IsAllDataRequested = false;
            }
            return next(context);
        };
    }
}
