using Microsoft.Extensions.Hosting;

namespace RoboTracer.Fleet.Grpc.Health;

/// <summary>
/// Ends the health Watch streams when the host starts stopping, after the lifecycle services registered before
/// it (a worker's drain, which reports NOT_SERVING through those very watches) have run their own stopping step.
/// </summary>
internal sealed class HealthWatchShutdown(HealthStatusRegistry registry) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        registry.EndWatches();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
