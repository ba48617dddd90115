using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using RoboTracer.Fleet.Testing;

namespace RoboTracer.Fleet.AppHost.IntegrationTests.EndToEnd;

/// <summary>The orchestrator's commands in the Aspire dashboard, executed as the dashboard does (ResourceCommandService).</summary>
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
