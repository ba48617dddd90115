using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using RoboTracer.Fleet.Testing.Otlp;

namespace RoboTracer.Fleet.ServiceDefaults.Tests;

// Activity listeners are process-wide: these tests run one at a time so one host's provider sees no other's spans.
[Collection(TelemetryCollection.Name)]
public sealed class OtlpExportTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Activity_from_a_fleet_source_arrives_with_its_name_and_service_name()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var childName = "plan-step-" + Guid.NewGuid().ToString("N");
        var rootName = "task-" + Guid.NewGuid().ToString("N");
        await using (var host = await TestHost.StartAsync(HttpProtobuf(receiver, ("OTEL_SERVICE_NAME", "fleet-under-test"))))
        {
            using var source = new ActivitySource("RoboTracer.Fleet.Tests.Planner");
            using (FleetTelemetry.ActivitySource.StartActivity(rootName))
            {
                using var child = source.StartActivity(childName);
                Assert.NotNull(child);
            }
        }

        await OtlpReceiver.WaitUntilAsync(() => receiver.Spans.Any(s => s.Name == childName) && receiver.Spans.Any(s => s.Name == rootName), Timeout, "both fleet spans");
        var childSpan = receiver.Spans.Single(s => s.Name == childName);
        Assert.Equal("fleet-under-test", childSpan.ServiceName);
        Assert.Equal("RoboTracer.Fleet.Tests.Planner", childSpan.Scope);
        Assert.Equal(FleetTelemetry.ActivitySourceName, receiver.Spans.Single(s => s.Name == rootName).Scope);
    }

    [Fact]
    public async Task Http_request_yields_an_AspNetCore_server_span_named_after_the_application_by_default()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using (var host = await TestHost.StartAsync(HttpProtobuf(receiver), MapWork))
        {
            using var response = await host.Client.GetAsync(new Uri("/work/7", UriKind.Relative));
            Assert.Equal("done", await response.Content.ReadAsStringAsync());
        }

        await OtlpReceiver.WaitUntilAsync(() => receiver.Spans.Any(IsWorkSpan), Timeout, "the server span of GET /work/7");
        var span = receiver.Spans.First(IsWorkSpan);
        Assert.Equal(ReceivedSpan.ServerKind, span.Kind);
        Assert.Equal("GET /work/{id}", span.Name);
        Assert.Equal("/work/7", span.Attributes["url.path"]);
        Assert.Equal(TestHost.ApplicationName, span.ServiceName);
    }

    [Fact]
    public async Task Health_probes_are_not_traced()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using (var host = await TestHost.StartAsync(HttpProtobuf(receiver), MapWork))
        {
            (await host.Client.GetAsync(new Uri("/health", UriKind.Relative))).Dispose();
            (await host.Client.GetAsync(new Uri("/alive", UriKind.Relative))).Dispose();
            (await host.Client.GetAsync(new Uri("/work/1", UriKind.Relative))).Dispose();
        }

        // The request after the probes arrived, so the probes' spans would have been exported before it.
        await OtlpReceiver.WaitUntilAsync(() => receiver.Spans.Any(IsWorkSpan), Timeout, "the server span of GET /work/1");
        Assert.DoesNotContain(receiver.Spans, s => s.Attributes.GetValueOrDefault("url.path") is "/health" or "/alive");
    }

    [Fact]
    public async Task Logs_and_metrics_arrive_with_the_service_name()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var marker = "fleet log marker " + Guid.NewGuid().ToString("N");
        await using (var host = await TestHost.StartAsync(HttpProtobuf(receiver, ("OTEL_SERVICE_NAME", "fleet-logs")), MapWork))
        {
            host.App.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RoboTracer.Fleet.Tests").LogWarning(marker);
            using var meter = new Meter("RoboTracer.Fleet.Tests.Meter");
            meter.CreateCounter<long>("fleet.tests.ticks").Add(3);
            (await host.Client.GetAsync(new Uri("/work/2", UriKind.Relative))).Dispose();
        }

        await OtlpReceiver.WaitUntilAsync(() => receiver.Logs.Any(l => l.Body.Contains(marker, StringComparison.Ordinal)), Timeout, "the log record");
        Assert.Equal("fleet-logs", receiver.Logs.First(l => l.Body.Contains(marker, StringComparison.Ordinal)).ServiceName);
        await OtlpReceiver.WaitUntilAsync(() => receiver.Metrics.Any(m => m.Name == "fleet.tests.ticks") && receiver.Metrics.Any(m => m.Name == "http.server.request.duration"), Timeout, "the fleet counter and ASP.NET Core's request duration");
        Assert.All(receiver.Metrics, m => Assert.Equal("fleet-logs", m.ServiceName));
    }

    [Fact]
    public async Task The_exporters_own_http_requests_are_not_logged_below_warning()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var logged = new LogRecorder();
        await using (var host = await TestHost.StartAsync(HttpProtobuf(receiver), MapWork, builder => builder.Logging.AddProvider(logged)))
        {
            (await host.Client.GetAsync(new Uri("/work/4", UriKind.Relative))).Dispose();
        }

        // Exported (the host's disposal flushed it), so the exporter's HttpClient has sent its requests; the resilience
        // handler logged each of them at Information before the filter.
        await OtlpReceiver.WaitUntilAsync(() => receiver.Spans.Any(IsWorkSpan), Timeout, "the server span of GET /work/4");
        Assert.Contains(logged.Entries, e => e.Category == "Microsoft.Hosting.Lifetime");
        Assert.DoesNotContain(logged.Entries, e => e.Level < LogLevel.Warning && (e.Category == "Polly" || e.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Orleans_grain_call_spans_and_the_Orleans_meter_are_exported()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var name = "IRobotGrain/ConnectAsync " + Guid.NewGuid().ToString("N");
        await using (var host = await TestHost.StartAsync(HttpProtobuf(receiver)))
        {
            // The names Orleans 10.4.2 uses (Orleans.Diagnostics.ActivitySources, OrleansInstruments).
            using var application = new ActivitySource("Microsoft.Orleans.Application");
            application.StartActivity(name, ActivityKind.Client)?.Dispose();
            using var meter = new Meter("Microsoft.Orleans");
            meter.CreateCounter<long>("orleans-test-messages").Add(1);
        }

        await OtlpReceiver.WaitUntilAsync(() => receiver.Spans.Any(s => s.Name == name), Timeout, "the grain-call span");
        Assert.Equal("Microsoft.Orleans.Application", receiver.Spans.Single(s => s.Name == name).Scope);
        await OtlpReceiver.WaitUntilAsync(() => receiver.Metrics.Any(m => m.Name == "orleans-test-messages"), Timeout, "the Orleans counter");
        Assert.Equal("Microsoft.Orleans", receiver.Metrics.First(m => m.Name == "orleans-test-messages").Meter);
    }

    [Fact]
    public async Task Orleans_runtime_and_Npgsql_spans_are_exported_inside_a_trace_but_start_none()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var id = Guid.NewGuid().ToString("N");
        await using (var host = await TestHost.StartAsync(HttpProtobuf(receiver)))
        {
            using var runtime = new ActivitySource("Microsoft.Orleans.Runtime");
            using var application = new ActivitySource("Microsoft.Orleans.Application");
            // A silo's background call (a statistics timer): a root, and the grain call it leads to.
            using (runtime.StartActivity("IManagementGrain/GetRuntimeStatistics " + id, ActivityKind.Client))
            {
                application.StartActivity("under the background call " + id)?.Dispose();
            }
            // The event store's live feed polling, as Npgsql.OpenTelemetry names its commands' source.
            using var npgsql = new ActivitySource("Npgsql");
            npgsql.StartActivity("SELECT fleet " + id, ActivityKind.Client)?.Dispose();
            // A runtime call made for a task: inside the task's trace.
            using (FleetTelemetry.ActivitySource.StartActivity("task.submit " + id))
            {
                runtime.StartActivity("IRemoteGrainDirectory/LookUp " + id, ActivityKind.Client)?.Dispose();
            }
        }

        await OtlpReceiver.WaitUntilAsync(() => receiver.Spans.Any(s => s.Name == "IRemoteGrainDirectory/LookUp " + id), Timeout, "the runtime span inside the task's trace");
        // Ended before the task's spans and flushed with them, had they been recorded.
        Assert.DoesNotContain(receiver.Spans, s => s.Name == "IManagementGrain/GetRuntimeStatistics " + id);
        Assert.DoesNotContain(receiver.Spans, s => s.Name == "under the background call " + id);
        Assert.DoesNotContain(receiver.Spans, s => s.Name == "SELECT fleet " + id);
    }

    [Fact]
    public async Task Grpc_is_the_default_protocol_and_exports_to_a_grpc_collector()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var name = "grpc-span-" + Guid.NewGuid().ToString("N");
        await using (var host = await TestHost.StartAsync(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.GrpcEndpoint }))
        {
            FleetTelemetry.ActivitySource.StartActivity(name)?.Dispose();
        }

        await OtlpReceiver.WaitUntilAsync(() => receiver.Spans.Any(s => s.Name == name), Timeout, "the span over gRPC");
    }

    [Fact]
    public async Task Without_an_endpoint_nothing_is_collected_or_exported()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var configuration = new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf", ["OTEL_SERVICE_NAME"] = "silent" };
        await using (var host = await TestHost.StartAsync(configuration, MapWork))
        {
            Assert.Null(host.App.Services.GetService<TracerProvider>());
            Assert.Null(host.App.Services.GetService<MeterProvider>());
            Assert.DoesNotContain(host.App.Services.GetServices<ILoggerProvider>(), p => p is OpenTelemetryLoggerProvider);
            (await host.Client.GetAsync(new Uri("/work/3", UriKind.Relative))).Dispose();
        }

        Assert.Equal(0, receiver.Requests);
    }

    // The receiver's own server spans are seen too (listeners are process-wide) but carry no url.path.
    private static bool IsWorkSpan(ReceivedSpan span) =>
        span.Scope == "Microsoft.AspNetCore" && span.Attributes.GetValueOrDefault("url.path", "").StartsWith("/work", StringComparison.Ordinal);

    private static void MapWork(WebApplication app) => app.MapGet("/work/{id}", (int id) => Results.Text("done"));

    private static Dictionary<string, string?> HttpProtobuf(OtlpReceiver receiver, params (string Key, string Value)[] more)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.HttpEndpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        };
        foreach (var (key, value) in more)
        {
            configuration[key] = value;
        }
        return configuration;
    }

    /// <summary>Every log entry written (category and level), at any level the host lets through.</summary>
    private sealed class LogRecorder : ILoggerProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Category, LogLevel Level)> _entries = new();

        public IReadOnlyCollection<(string Category, LogLevel Level)> Entries => _entries;

        public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class Recorder(string category, System.Collections.Concurrent.ConcurrentQueue<(string Category, LogLevel Level)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((category, logLevel));
        }
    }
}
