using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.AppHost.Fleet;

namespace RoboTracer.Fleet.AppHost;

/// <summary>What the AppHost does around the resources: says where the fleet is, submits the demo task, stops after --duration, and the dashboard's commands.</summary>
internal static class FleetLifecycle
{
    public const string LoggerCategory = "RoboTracer.Fleet.AppHost";

    // One client for the AppHost's own calls to the orchestrator (demo task, commands).
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>
    /// Once the orchestrator is healthy: the fleet dashboard's URL, the store and the API token (Aspire prints its own
    /// dashboard's login URL at start), then the demo task when asked for or when the data folder is new.
    /// </summary>
    public static void AnnounceFleet(this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> orchestrator, StorePlan store, FleetSecrets secrets, AppHostOptions options)
    {
        var demo = options.Demo ?? !File.Exists(Path.Combine(Path.GetFullPath(options.DataDirectory), ".demo-submitted"));
        builder.Eventing.Subscribe<ResourceReadyEvent>(orchestrator.Resource, (ready, cancellationToken) =>
        {
            var log = ready.Services.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerCategory);
            var dashboard = new Uri(orchestrator.GetEndpoint(FleetEndpoints.Http).Url + "/");
            log.LogInformation("the fleet is up: fleet dashboard {Dashboard}, store {Store}", dashboard, store.Describe());
            if (secrets.ApiTokenGenerated)
            {
                log.LogInformation("API token: {Token} (generated for this run; set {Variable} to choose one)", secrets.ApiToken, FleetSecrets.ApiTokenVariable);
            }
            else
            {
                log.LogInformation("API token: from {Variable}", FleetSecrets.ApiTokenVariable);
            }
            if (demo)
            {
                var stopping = ready.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
                _ = SubmitDemoAsync(new DemoSubmitter(Http, dashboard, secrets.ApiToken, options.Robots, log), options.DataDirectory, stopping);
            }
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// On Ctrl-C or SIGTERM Aspire by default tells DCP to stop the resources and exits at once, and DCP goes on
    /// stopping them for another ~15 s (measured: 0.3 s to the AppHost's exit, 15 s until the last child was gone).
    /// Waiting for that cleanup means that once the AppHost has exited, no child of it runs any more.
    /// </summary>
    public static void StopChildrenBeforeExit(this IDistributedApplicationBuilder builder) =>
        builder.Configuration["DcpPublisher:WaitForResourceCleanup"] = "true";

    /// <summary>Stops the whole application (every resource) after <paramref name="duration"/>; for scripts.</summary>
    public static void StopAfter(this DistributedApplication app, TimeSpan? duration)
    {
        if (duration is not { } after)
        {
            return;
        }
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(() => _ = Task.Delay(after, lifetime.ApplicationStopping).ContinueWith(
            delay =>
            {
                if (delay.IsCompletedSuccessfully)
                {
                    app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerCategory).LogInformation("--duration {Seconds} s reached: stopping", after.TotalSeconds);
                    lifetime.StopApplication();
                }
            },
            TaskScheduler.Default));
    }

    /// <summary>
    /// Commands on the orchestrator in the Aspire dashboard: submit the demo task (needs the API token, which the
    /// AppHost holds), and kill this silo with SIGKILL to watch failover (its grains reactivate on another silo, its
    /// robots reconnect, the AppHost starts it again). The pool workers' Drain is in <see cref="PoolWorkerCommands"/>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithFleetCommands(this IResourceBuilder<ProjectResource> orchestrator, FleetSecrets secrets, AppHostOptions options) => orchestrator
        .WithCommand(
            name: "submit-demo-task",
            displayName: "Submit the demo task",
            executeCommand: async context =>
            {
                var log = context.Services.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerCategory);
                var orchestratorUrl = new Uri(orchestrator.GetEndpoint(FleetEndpoints.Http).Url + "/");
                var submitter = new DemoSubmitter(Http, orchestratorUrl, secrets.ApiToken, options.Robots, log) { RobotsTimeout = TimeSpan.Zero };
                return await submitter.SubmitAsync(context.CancellationToken) is not null
                    ? CommandResults.Success()
                    : CommandResults.Failure("the orchestrator did not accept the demo task; see the AppHost's log");
            },
            commandOptions: new CommandOptions
            {
                Description = $"POST /api/tasks \"{DemoSubmitter.Instruction}\"",
                IconName = "Play",
                UpdateState = context => context.ResourceSnapshot.HealthStatus is HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
            })
        .WithCommand(
            name: "kill-silo",
            displayName: "Kill this silo (SIGKILL)",
            executeCommand: context =>
            {
                if (ServiceProcess.Of(context.Services.GetRequiredService<ResourceNotificationService>(), context.ResourceName) is not { } process)
                {
                    return Task.FromResult(CommandResults.Failure($"{context.ResourceName} has no running process"));
                }
                process.Kill();
                return Task.FromResult(CommandResults.Success());
            },
            commandOptions: new CommandOptions
            {
                Description = "SIGKILL the silo's process: its grains move to the other silos and its robots reconnect; the AppHost starts it again",
                IconName = "ErrorCircle",
                IsHighlighted = false,
                ConfirmationMessage = "Kill this silo with SIGKILL?",
                UpdateState = EnabledWhileRunning,
            });

    /// <summary>A command that acts on a resource's process: enabled only while it runs.</summary>
    public static ResourceCommandState EnabledWhileRunning(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    private static async Task SubmitDemoAsync(DemoSubmitter demo, string dataDirectory, CancellationToken cancellationToken)
    {
        if (await demo.SubmitAsync(cancellationToken) is not null)
        {
            // The demo runs once per data folder unless --demo asks again.
            var marker = Path.Combine(Path.GetFullPath(dataDirectory), ".demo-submitted");
            Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
            await File.WriteAllTextAsync(marker, DateTimeOffset.UtcNow.ToString("O"), CancellationToken.None);
        }
    }
}
