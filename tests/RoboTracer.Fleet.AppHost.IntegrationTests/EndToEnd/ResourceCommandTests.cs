using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using RoboTracer.Fleet.Testing;

namespace RoboTracer.Fleet.AppHost.IntegrationTests.EndToEnd;

/// <summary>The commands in the Aspire dashboard (orchestrator, pool workers), executed as the dashboard does (ResourceCommandService).</summary>
public sealed class ResourceCommandTests
{
    [Fact]
    public async Task Submit_the_demo_task_starts_a_task_and_kill_this_silo_kills_it_and_the_AppHost_starts_it_again()
    {
        await using var fleet = await FleetApp.StartAsync("sqlite");
        await FleetApi.WaitForRobotsAsync(fleet.Http, FleetApi.Online(4));
        var commands = fleet.App.Services.GetRequiredService<ResourceCommandService>();
        var (replica, launcher) = Assert.Single(await fleet.ReplicasAsync("orchestrator"));
        var silo = FleetApp.ServiceProcessOf(launcher);

        var submitted = await commands.ExecuteCommandAsync(replica, "submit-demo-task");
        var tasks = await FleetApi.GetAsync(fleet.Http, "/api/tasks");
        var killed = await commands.ExecuteCommandAsync(replica, "kill-silo");
        // Killed, then started again by the AppHost: a new process serves the API.
        var (_, newLauncher) = await WaitForNewLauncherAsync(fleet, launcher);

        Assert.True(submitted.Success, submitted.Message);
        Assert.Contains(tasks.AsArray(), t => t!["instruction"]!.GetValue<string>() == Fleet.DemoSubmitter.Instruction);
        Assert.True(killed.Success, killed.Message);
        Assert.False(ProcessTree.IsAlive(silo), "the silo's process outlived kill-silo");
        Assert.NotEqual(launcher, newLauncher);
        await FleetApi.WaitForRobotsAsync(fleet.Http, FleetApi.Online(4));
    }

    [Fact]
    public async Task Drain_ends_a_pool_worker_which_stays_stopped_until_Start_while_tasks_complete_on_the_other_worker()
    {
        await using var fleet = await FleetApp.StartAsync("sqlite");
        await FleetApi.WaitForRobotsAsync(fleet.Http, FleetApi.Online(4));
        var commands = fleet.App.Services.GetRequiredService<ResourceCommandService>();
        var notifications = fleet.App.Services.GetRequiredService<ResourceNotificationService>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var (worker, launcher) = Assert.Single(await fleet.ReplicasAsync("pool-1"));
        var service = FleetApp.ServiceProcessOf(launcher);
        // Every state pool-1 reports from here on: were it restarted after its drain, a Running would show up.
        var states = new ConcurrentQueue<string?>();
        using var stopWatching = new CancellationTokenSource();
        var watching = RecordStatesAsync(notifications, worker, states, stopWatching.Token);

        var drained = await commands.ExecuteCommandAsync(worker, "drain");
        var exited = await notifications.WaitForResourceAsync("pool-1", e => e.ResourceId == worker && IsExited(e.Snapshot.State?.Text), timeout.Token);
        // Longer than the AppHost's restart-on-crash delay (1 s): the task's three steps take the robot several seconds.
        var task = await FleetEndToEndTests.SubmitAsync(fleet, FleetEndToEndTests.ThreeSteps);
        var done = await FleetApi.WaitForTaskAsync(fleet.Http, task, FleetApi.IsTerminal, TimeSpan.FromMinutes(3));
        var whileDrained = states.ToArray();
        var started = await commands.ExecuteCommandAsync(worker, KnownResourceCommands.StartCommand);
        var again = await notifications.WaitForResourceAsync(
            "pool-1",
            e => e.ResourceId == worker && e.Snapshot.State?.Text == KnownResourceStates.Running
                && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
                && FleetApp.LauncherPid(e.Snapshot) is { } pid && pid != launcher,
            timeout.Token);
        await stopWatching.CancelAsync();
        await watching;

        Assert.True(drained.Success, drained.Message);
        Assert.False(ProcessTree.IsAlive(service), "the worker's process outlived its drain");
        // It drained (NOT_SERVING, queue finished) and exited cleanly, rather than being killed.
        Assert.Equal(0, exited.Snapshot.ExitCode);
        Assert.Contains(fleet.Logs(worker), line => line.Contains("Draining: NOT_SERVING", StringComparison.Ordinal));
        // Not restarted: after its exit, pool-1 never ran again until Start.
        var afterExit = whileDrained.SkipWhile(state => !IsExited(state)).ToList();
        Assert.NotEmpty(afterExit);
        Assert.DoesNotContain(KnownResourceStates.Running, afterExit);
        Assert.True(IsExited(whileDrained[^1]), "pool-1 was " + whileDrained[^1] + " before Start");
        // The orchestrator's pool sent the task's trace queries to pool-2.
        Assert.True(FleetApi.Phase(done) == "Completed", done.ToJsonString() + "\n" + fleet.AllLogs()[^Math.Min(fleet.AllLogs().Length, 4000)..]);
        // The dashboard's Start brings it back, healthy, as a new process.
        Assert.True(started.Success, started.Message);
        Assert.NotEqual(launcher, FleetApp.LauncherPid(again.Snapshot));
    }

    private static bool IsExited(string? state) => state == KnownResourceStates.Exited || state == KnownResourceStates.Finished;

    private static async Task RecordStatesAsync(ResourceNotificationService notifications, string resourceId, ConcurrentQueue<string?> states, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in notifications.WatchAsync(cancellationToken))
            {
                if (change.ResourceId == resourceId)
                {
                    states.Enqueue(change.Snapshot.State?.Text);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Recorded enough.
        }
    }

    private static async Task<(string ResourceId, int LauncherPid)> WaitForNewLauncherAsync(FleetApp fleet, int oldLauncher)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            if ((await fleet.ReplicasAsync("orchestrator")).FirstOrDefault(r => r.LauncherPid != oldLauncher) is { ResourceId: not null } replica)
            {
                return replica;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the killed silo was not started again within 2 min:\n" + fleet.AllLogs()[^Math.Min(fleet.AllLogs().Length, 4000)..]);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }
}
