using System.Diagnostics.Metrics;
using Grpc.HealthCheck;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Inference.Backends.Onnx;
using RoboTracer.Fleet.Inference.Batching;
using RoboTracer.Fleet.Inference.Worker;
using RoboTracer.Fleet.ServiceDefaults;

namespace RoboTracer.Fleet.Inference;

/// <summary>Composition of a pool worker.</summary>
public static class InferenceWorkerExtensions
{
    /// <summary>
    /// Registers the worker: the named Kestrel endpoints, gRPC with health (the worker's state, under "" and
    /// <see cref="WorkerState.ServiceName"/>) and reflection, the backends configured under
    /// <c>Inference:Backends</c> (geometric always, unless disabled; simulated, robotracer-http, openai and onnx
    /// when configured), each behind its batcher, and the warm-up/drain lifecycle.
    /// </summary>
    public static WebApplicationBuilder AddInferenceWorker(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        builder.WebHost.UseFleetEndpoints();
        builder.Services.Configure<InferenceWorkerOptions>(configuration.GetSection(InferenceWorkerOptions.Section));
        builder.AddFleetGrpc(health => health.Services.Map(WorkerState.ServiceName, check => check.Name == WorkerHealthCheck.Name))
            .AddCheck<WorkerHealthCheck>(WorkerHealthCheck.Name);
        // Grpc.AspNetCore.HealthChecks also publishes every check's result to the Watch streams each period. The
        // worker pushes its own state the moment it changes (WorkerState), and a periodic report computed just
        // before a change and published just after it would undo the change for a whole period (a warm worker
        // watched as NOT_SERVING). Check still runs the checks on each call, so only the publisher goes.
        var publisher = builder.Services.FirstOrDefault(descriptor => descriptor.ServiceType == typeof(IHealthCheckPublisher)
            && descriptor.ImplementationType?.FullName == "Grpc.AspNetCore.HealthChecks.GrpcHealthChecksPublisher")
            ?? throw new InvalidOperationException("Grpc.AspNetCore.HealthChecks no longer registers GrpcHealthChecksPublisher; check how this version publishes health before removing this line.");
        builder.Services.Remove(publisher);
        builder.Services.AddSingleton(sp => new InferenceMetrics(sp.GetService<IMeterFactory>()));
        builder.Services.AddSingleton(sp => new WorkerState(sp.GetRequiredService<HealthServiceImpl>(), sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping));
        builder.Services.AddSingleton<TracingWorker>();
        builder.Services.AddSingleton<SpatialTracerService>();
        builder.Services.AddSingleton<QueryEndpoint>();
        builder.Services.AddSingleton(sp => new BackendRegistry(CreateBackends(configuration.GetSection($"{InferenceWorkerOptions.Section}:Backends"), sp.GetRequiredService<ILoggerFactory>())
            .Select(entry => new BackendBatcher(entry.Backend, entry.Batching, sp.GetRequiredService<InferenceMetrics>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger($"RoboTracer.Fleet.Inference.Batcher.{entry.Backend.Name}")))));
        builder.Services.AddHostedService<WorkerLifecycle>();
        return builder;
    }

    /// <summary>Maps <c>SpatialTracer</c>, <c>grpc.health.v1.Health</c>, reflection and <c>POST /query</c>.</summary>
    public static WebApplication MapInferenceWorker(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<InferenceWorkerOptions>>().Value;
        var registry = app.Services.GetRequiredService<BackendRegistry>();
        if (!registry.Names.Contains(options.DefaultBackend))
        {
            throw new InvalidOperationException($"Inference:DefaultBackend is '{options.DefaultBackend}', which is not configured; configured: {string.Join(", ", registry.Names)}.");
        }
        app.MapGrpcService<SpatialTracerService>();
        app.MapFleetGrpcServices();
        app.MapPost("/query", (HttpContext context, QueryEndpoint query) => query.HandleAsync(context));
        return app;
    }

    private static IEnumerable<(ITraceBackend Backend, BatcherOptions Batching)> CreateBackends(IConfigurationSection backends, ILoggerFactory loggers)
    {
        var geometric = backends.GetSection("geometric");
        if (geometric.GetValue("Enabled", defaultValue: true))
        {
            yield return (new GeometricBackend(), Batching(geometric));
        }
        var simulated = backends.GetSection("simulated");
        if (simulated.Exists())
        {
            yield return (new SimulatedBackend(simulated.Get<SimulatedBackendOptions>() ?? new()), Batching(simulated));
        }
        var http = backends.GetSection("robotracer-http");
        if (http.Exists())
        {
            var options = http.Get<RoboTracerHttpOptions>() ?? new();
            yield return (new RoboTracerHttpBackend(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, options), Batching(http));
        }
        var openai = backends.GetSection("openai");
        if (openai.Exists())
        {
            yield return (new OpenAiBackend(openai.Get<OpenAiBackendOptions>() ?? new()), Batching(openai));
        }
        var onnx = backends.GetSection("onnx");
        if (onnx.Exists())
        {
            yield return (new OnnxBackend(onnx.Get<OnnxBackendOptions>() ?? new(), loggers.CreateLogger<OnnxBackend>()), Batching(onnx));
        }
    }

    private static BatcherOptions Batching(IConfigurationSection backend) => backend.GetSection("Batching").Get<BatcherOptions>() ?? new BatcherOptions();
}
