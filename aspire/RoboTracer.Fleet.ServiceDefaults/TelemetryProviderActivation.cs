using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace RoboTracer.Fleet.ServiceDefaults;

/// <summary>
/// Makes the container build the tracer and meter providers when the host resolves its hosted services, before the
/// server starts listening, so the first request is traced. The container disposes them (flush and shutdown) when the
/// host is disposed; this service owns nothing.
/// </summary>
internal sealed class TelemetryProviderActivation(TracerProvider tracerProvider, MeterProvider meterProvider) : IHostedService
{
    public TracerProvider TracerProvider { get; } = tracerProvider;

    public MeterProvider MeterProvider { get; } = meterProvider;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
