using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.AppHost;

/// <summary>
/// One console line per replica when it starts running and when it becomes healthy, with the pid DCP started, and one
/// line once every resource is healthy: the user sees what started without the dashboard, and scripts and tests await
/// these lines instead of looking for processes (tests/RoboTracer.Fleet.AppHost.IntegrationTests/AppHostProcess.cs,
/// <c>bench apphost</c>). The texts are a contract for those readers: "NAME is running (pid N)", "NAME is healthy
/// (pid N)", "every resource is healthy after S s" (seconds since the AppHost's process started).
/// </summary>
internal static partial class ResourceStateLog
{
    public const string EveryResourceHealthy = "every resource is healthy after";

    // The name Aspire gives its dashboard's resource in run mode.
    private const string AspireDashboard = "aspire-dashboard";

    /// <summary>
    /// Watches from BeforeStartEvent, before DCP creates anything: a hosted service would start only after Aspire's own,
    /// whose start waits for the resources, and would replay their states late.
    /// </summary>
    public static void LogResourceStates(this IDistributedApplicationBuilder builder) =>
        builder.Eventing.Subscribe<BeforeStartEvent>((start, cancellationToken) =>
        {
            var services = start.Services;
            var watcher = new Watcher(
                services.GetRequiredService<ResourceNotificationService>(),
                start.Model,
                services.GetRequiredService<IHostApplicationLifetime>(),
                services.GetRequiredService<ILoggerFactory>().CreateLogger(FleetLifecycle.LoggerCategory));
            _ = watcher.WatchAsync(services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
            return Task.CompletedTask;
        });

    private sealed partial class Watcher(ResourceNotificationService notifications, DistributedApplicationModel model, IHostApplicationLifetime lifetime, ILogger log)
    {
        // Per replica (resource id): what was last said about it, so that a line is printed on a change only.
        private readonly Dictionary<string, Said> _said = new(StringComparer.Ordinal);
        private bool _allHealthySaid;

        public async Task WatchAsync(CancellationToken stoppingToken)
        {
            // The resources that run a process (PostgreSQL, the workers, the orchestrator replicas, the simulator), each
            // with its number of replicas; not the Aspire dashboard (not part of the fleet, and absent under test), nor the
            // hidden resources Aspire adds (a "NAME-rebuilder" per project, which runs only for the dashboard's Rebuild),
            // nor an external connection string.
            var expected = model.Resources.Where(r => r is ProjectResource or ExecutableResource && r.Name != AspireDashboard && !IsHidden(r))
                .ToDictionary(r => r.Name, r => r.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1, StringComparer.Ordinal);
            var healthy = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            try
            {
                await foreach (var change in notifications.WatchAsync(stoppingToken))
                {
                    if (!expected.ContainsKey(change.Resource.Name) || lifetime.ApplicationStopping.IsCancellationRequested)
                    {
                        continue;
                    }
                    var snapshot = change.Snapshot;
                    var now = snapshot.State?.Text != KnownResourceStates.Running ? Said.Nothing
                        : snapshot.HealthStatus == HealthStatus.Healthy ? Said.Healthy
                        : Said.Running;
                    var before = _said.GetValueOrDefault(change.ResourceId, Said.Nothing);
                    _said[change.ResourceId] = now;
                    var pid = ServiceProcess.LauncherPid(snapshot);
                    if (now != Said.Nothing && before == Said.Nothing)
                    {
                        LogRunning(log, change.Resource.Name, pid);
                    }
                    if (now == Said.Healthy && before != Said.Healthy)
                    {
                        LogHealthy(log, change.Resource.Name, pid);
                    }
                    var replicas = healthy.TryGetValue(change.Resource.Name, out var set) ? set : healthy[change.Resource.Name] = new(StringComparer.Ordinal);
                    if (now == Said.Healthy)
                    {
                        replicas.Add(change.ResourceId);
                    }
                    else
                    {
                        replicas.Remove(change.ResourceId);
                    }
                    if (!_allHealthySaid && expected.All(e => healthy.TryGetValue(e.Key, out var ids) && ids.Count >= e.Value))
                    {
                        _allHealthySaid = true;
                        LogEveryResourceHealthy(log, (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The AppHost is stopping.
            }
        }

        private static bool IsHidden(IResource resource) =>
            resource.Annotations.OfType<HiddenAnnotation>().Any()
            || resource.Annotations.OfType<ResourceSnapshotAnnotation>().Any(a => a.InitialSnapshot.IsHidden);

        private enum Said
        {
            Nothing,
            Running,
            Healthy,
        }

        [LoggerMessage(Level = LogLevel.Information, Message = "{Resource} is running (pid {Pid})")]
        private static partial void LogRunning(ILogger logger, string resource, int? pid);

        [LoggerMessage(Level = LogLevel.Information, Message = "{Resource} is healthy (pid {Pid})")]
        private static partial void LogHealthy(ILogger logger, string resource, int? pid);

        [LoggerMessage(Level = LogLevel.Information, Message = EveryResourceHealthy + " {Seconds:0.0} s")]
        private static partial void LogEveryResourceHealthy(ILogger logger, double seconds);
    }
}
