using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.AppHost;

/// <summary>
/// Aspire leaves an executable that died as "Exited"/"Finished" (MIGRATION.md); the fleet's services come back by
/// themselves after a crash, as under the former host. It matters most for the orchestrator: a silo that dies loses
/// nothing acknowledged (DESIGN.md §5) and its restart rebuilds state from the store. This starts a replica again
/// when it exits with a non-zero code while the AppHost is not stopping, through the same Start command the
/// dashboard offers, after a delay that doubles (up to 30 s) while the replica keeps dying within a minute of its
/// start. A Stop from the dashboard ends the process with SIGTERM, which the services answer with exit code 0; a
/// pool worker drained from the dashboard (<see cref="PoolWorkerCommands"/>) exits 0 too, and is left alone whatever
/// its exit code (<see cref="DrainedWorkers"/>) until it is started again.
/// </summary>
internal sealed class RestartOnCrashAnnotation : IResourceAnnotation;

internal static class RestartOnCrash
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan HealthyRun = TimeSpan.FromMinutes(1);

    public static IResourceBuilder<T> WithRestartOnCrash<T>(this IResourceBuilder<T> resource) where T : IResource
    {
        if (!resource.ApplicationBuilder.Services.Any(s => s.ImplementationType == typeof(Watcher)))
        {
            resource.ApplicationBuilder.Services.AddHostedService<Watcher>();
            resource.ApplicationBuilder.Services.TryAddSingleton<DrainedWorkers>();
        }
        return resource.WithAnnotation(new RestartOnCrashAnnotation());
    }

    private sealed class Watcher(ResourceNotificationService notifications, ResourceCommandService commands, DrainedWorkers drained, IHostApplicationLifetime lifetime, ILogger<Watcher> log) : BackgroundService
    {
        // Per replica (resource id): when it was last started by us and how many quick deaths in a row.
        // Replicas whose exit was handled (restart scheduled, or left stopped) until they run again: an exited resource
        // reports several snapshots, one decision is enough.
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _scheduled = new(StringComparer.Ordinal);
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTimeOffset StartedAt, int QuickDeaths)> _restarts = new(StringComparer.Ordinal);

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            try
            {
                await foreach (var change in notifications.WatchAsync(stoppingToken))
                {
                    if (change.Snapshot.State?.Text == KnownResourceStates.Running)
                    {
                        _scheduled.TryRemove(change.ResourceId, out _);
                    }
                    drained.Observe(change.ResourceId, change.Snapshot);
                    if (!change.Resource.Annotations.OfType<RestartOnCrashAnnotation>().Any()
                        || !Exited(change.Snapshot.State?.Text)
                        || lifetime.ApplicationStopping.IsCancellationRequested
                        || change.Snapshot.ExitCode is null
                        || !_scheduled.TryAdd(change.ResourceId, true))
                    {
                        continue;
                    }
                    if (drained.IsDrained(change.ResourceId))
                    {
                        log.LogInformation("{Resource} was drained and exited with code {ExitCode}; it stays stopped until Start", change.ResourceId, change.Snapshot.ExitCode);
                        continue;
                    }
                    if (change.Snapshot.ExitCode == 0)
                    {
                        // A clean exit (the dashboard's Stop, SIGTERM) is no crash.
                        continue;
                    }
                    _ = RestartAsync(change.ResourceId, change.Snapshot.ExitCode.Value, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The AppHost is stopping.
            }
        }

        private static bool Exited(string? state) => state == KnownResourceStates.Exited || state == KnownResourceStates.Finished;

        private async Task RestartAsync(string resourceId, int exitCode, CancellationToken stoppingToken)
        {
            var now = DateTimeOffset.UtcNow;
            var quickDeaths = _restarts.TryGetValue(resourceId, out var last) && now - last.StartedAt < HealthyRun ? last.QuickDeaths + 1 : 0;
            var delay = TimeSpan.FromTicks(Math.Min(LongestDelay.Ticks, FirstDelay.Ticks << Math.Min(quickDeaths, 5)));
            log.LogWarning("{Resource} exited with code {ExitCode}; starting it again in {Delay:0.#} s", resourceId, exitCode, delay.TotalSeconds);
            try
            {
                await Task.Delay(delay, stoppingToken);
                _restarts[resourceId] = (DateTimeOffset.UtcNow, quickDeaths);
                var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, stoppingToken);
                if (!result.Success)
                {
                    _scheduled.TryRemove(resourceId, out _);
                    log.LogError("{Resource} could not be started again: {Error}", resourceId, result.Message);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The AppHost is stopping.
            }
        }
    }
}
