using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.AppHost;

/// <summary>The pool workers' command in the Aspire dashboard: Drain.</summary>
internal static class PoolWorkerCommands
{
    public const string Drain = "drain";

    /// <summary>
    /// Drain: SIGTERM to the worker's process. The worker (src/RoboTracer.Fleet.Inference/Worker/WorkerLifecycle.cs)
    /// answers NOT_SERVING on gRPC health, refuses new calls with UNAVAILABLE (the orchestrator's pool client retries
    /// them on the other worker), finishes what it has queued and exits 0. It then stays stopped: the AppHost's
    /// restart-on-crash leaves a drained worker alone (<see cref="DrainedWorkers"/>) until the dashboard's Start.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDrainCommand(this IResourceBuilder<ProjectResource> worker)
    {
        worker.ApplicationBuilder.Services.TryAddSingleton<DrainedWorkers>();
        return worker.WithCommand(
            name: Drain,
            displayName: "Drain",
            executeCommand: context =>
            {
                var notifications = context.Services.GetRequiredService<ResourceNotificationService>();
                if (ServiceProcess.Of(notifications, context.ResourceName) is not { } process)
                {
                    return Task.FromResult(CommandResults.Failure($"{context.ResourceName} has no running process to drain; start it first"));
                }
                // Marked before the signal: the exit may be reported before this method returns.
                context.Services.GetRequiredService<DrainedWorkers>().Mark(context.ResourceName, process.Launcher);
                if (process.Terminate() is { } error)
                {
                    return Task.FromResult(CommandResults.Failure($"could not send SIGTERM to {context.ResourceName} (pid {process.Service}): {error}; if it exited meanwhile, its state says so"));
                }
                context.Services.GetRequiredService<ILoggerFactory>().CreateLogger(FleetLifecycle.LoggerCategory)
                    .LogInformation("{Resource}: draining (SIGTERM to pid {Pid}); it stays stopped until Start", context.ResourceName, process.Service);
                return Task.FromResult(CommandResults.Success());
            },
            commandOptions: new CommandOptions
            {
                Description = "SIGTERM the worker: it reports NOT_SERVING, refuses new calls (the pool sends them to the other worker), finishes its queue and exits. It is not restarted: it stays stopped until you Start it",
                IconName = "ArrowExit",
                ConfirmationMessage = "Drain this pool worker? It finishes its queue, exits and stays stopped until you Start it.",
                UpdateState = FleetLifecycle.EnabledWhileRunning,
            });
    }
}
