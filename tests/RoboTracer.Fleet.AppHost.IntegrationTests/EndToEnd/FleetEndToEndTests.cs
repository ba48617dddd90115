using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using RoboTracer.Fleet.Testing;

namespace RoboTracer.Fleet.AppHost.IntegrationTests.EndToEnd;

/// <summary>
/// The main job end to end on Aspire (DESIGN.md §4): the AppHost under Aspire.Hosting.Testing with real DCP, its
/// store, two pool workers, the orchestrator silo(s) and 4 simulated robots; instructions submitted over REST as a
/// user would.
/// </summary>
public sealed class FleetEndToEndTests
{
    // The simulator's well-known objects: every scene has them (src/RoboTracer.Fleet.Simulator/Scenes/WellKnownObjects.cs).
    internal const string ThreeSteps = "put the red cup on the plate, then put the blue box to the left of the plate, then put the green block to the right of the plate";

    [Fact]
    public async Task On_SQLite_every_resource_is_healthy_a_three_step_instruction_completes_and_the_events_tell_the_whole_story_in_order()
    {
        await using var fleet = await FleetApp.StartAsync("sqlite");
        await FleetApi.WaitForRobotsAsync(fleet.Http, FleetApi.Online(4));

        var task = await SubmitAsync(fleet, ThreeSteps);
        var done = await FleetApi.WaitForTaskAsync(fleet.Http, task, FleetApi.IsTerminal, TimeSpan.FromMinutes(3));

        Assert.True(FleetApi.Phase(done) == "Completed", done.ToJsonString());
        var types = (await FleetApi.EventsAsync(fleet.Http, task)).Select(e => e["type"]!.GetValue<string>()).ToList();
        Assert.Equal("TaskSubmitted", types[0]);
        Assert.Equal("TaskCompleted", types[^1]);
        Assert.Equal(3, types.Count(t => t == "StepSucceeded"));
        // SQLite: no PostgreSQL resource, and the database file is in the data folder.
        Assert.DoesNotContain(fleet.App.Services.GetRequiredService<DistributedApplicationModel>().Resources, r => r.Name == "postgres");
        Assert.True(File.Exists(Path.Combine(fleet.DataDirectory, "fleet.db")), "fleet.db in the data folder");
    }

    [Fact]
    public async Task On_PostgreSQL_a_task_survives_kill_9_of_the_orchestrator_and_no_acknowledged_event_is_lost()
    {
        await using var fleet = await FleetApp.StartAsync("postgres");
        await FleetApi.WaitForRobotsAsync(fleet.Http, FleetApi.Online(4));
        var task = await SubmitAsync(fleet, ThreeSteps);
        await FleetApi.WaitForTaskAsync(fleet.Http, task, t => t["steps"]!.AsArray().Count == 3 && t["steps"]![0]!["phase"]!.GetValue<string>() == "Succeeded", TimeSpan.FromMinutes(2));
        var before = await FleetApi.EventsAsync(fleet.Http, task);

        var (replica, launcher) = Assert.Single(await fleet.ReplicasAsync("orchestrator"));
        var orchestrator = FleetApp.ServiceProcessOf(launcher);
        await KillAsync(orchestrator);
        // The AppHost starts a crashed orchestrator again (RestartOnCrash); the task goes on from the store.
        var done = await WaitThroughRestartsAsync(() => FleetApi.WaitForTaskAsync(fleet.Http, task, FleetApi.IsTerminal, TimeSpan.FromMinutes(3)));
        var after = await FleetApi.EventsAsync(fleet.Http, task);

        Assert.True(FleetApi.Phase(done) == "Completed", done.ToJsonString() + "\n" + Tail(fleet.AllLogs()));
        var (_, newLauncher) = Assert.Single(await fleet.ReplicasAsync("orchestrator"));
        Assert.NotEqual(orchestrator, FleetApp.ServiceProcessOf(newLauncher));
        // Every event acknowledged before the kill is still there, at the same position, with the same content.
        Assert.True(after.Count > before.Count);
        for (var i = 0; i < before.Count; i++)
        {
            Assert.Equal(before[i].ToJsonString(), after[i].ToJsonString());
        }
        // The restarted orchestrator waited for the robot instead of spending the step's attempts on a link not yet back.
        var failedAfterKill = after.Skip(before.Count).Where(e => e["type"]!.GetValue<string>() == "StepAttemptFailed").Select(e => e["data"]!["reason"]!.GetValue<string>()).ToList();
        Assert.False(failedAfterKill.Any(r => r.Contains("no live link", StringComparison.Ordinal)), "attempts failed after the restart: " + string.Join(" | ", failedAfterKill));
        // The robots found the new orchestrator by themselves.
        await WaitThroughRestartsAsync(() => FleetApi.WaitForRobotsAsync(fleet.Http, FleetApi.Online(4)));
        Assert.Contains(fleet.App.Services.GetRequiredService<DistributedApplicationModel>().Resources, r => r.Name == "postgres");
        Assert.True(Directory.Exists(Path.Combine(fleet.DataDirectory, "postgres", "data")), "the cluster in the data folder");
        Assert.NotEmpty(replica);
    }

    [Fact]
    public async Task Two_silos_on_PostgreSQL_lose_nothing_when_one_is_killed_with_9_its_robots_reconnect_and_every_task_completes()
    {
        await using var fleet = await FleetApp.StartAsync("postgres", silos: 2);
        await FleetApi.WaitForRobotsAsync(fleet.Http, FleetApi.Online(4));
        var tasks = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            tasks.Add(await SubmitAsync(fleet, ThreeSteps));
        }
        foreach (var task in tasks)
        {
            await FleetApi.WaitForTaskAsync(fleet.Http, task, t => t["steps"]!.AsArray().Count == 3 && t["steps"]![0]!["phase"]!.GetValue<string>() is "Executing" or "Verifying" or "Succeeded", TimeSpan.FromMinutes(2));
        }
        var before = new Dictionary<string, List<JsonNode>>();
        foreach (var task in tasks)
        {
            before[task] = await FleetApi.EventsAsync(fleet.Http, task);
        }

        // One silo dies; the other keeps serving the API behind the same proxy (the AppHost restarts the dead one later).
        var silos = await fleet.ReplicasAsync("orchestrator");
        // The victim is a silo that holds robot links, so that their reconnection is seen.
        var (victim, launcher) = silos.First(s => RobotsConnected(fleet.Logs(s.ResourceId)).Count > 0);
        var linkedToVictim = RobotsConnected(fleet.Logs(victim));
        var seen = silos.ToDictionary(s => s.ResourceId, s => fleet.Logs(s.ResourceId).Count, StringComparer.Ordinal);
        await KillAsync(FleetApp.ServiceProcessOf(launcher));
        var done = new List<JsonNode>();
        foreach (var task in tasks)
        {
            done.Add(await WaitThroughRestartsAsync(() => FleetApi.WaitForTaskAsync(fleet.Http, task, FleetApi.IsTerminal, TimeSpan.FromMinutes(3))));
        }

        Assert.Equal(2, silos.Count);
        Assert.All(done, d => Assert.True(FleetApi.Phase(d) == "Completed", d.ToJsonString() + "\n" + Tail(fleet.AllLogs())));
        foreach (var task in tasks)
        {
            // Every event acknowledged before the kill is still there, at the same position, with the same content.
            var after = await FleetApi.EventsAsync(fleet.Http, task);
            Assert.Equal(before[task].Select(e => e.ToJsonString()), after.Take(before[task].Count).Select(e => e.ToJsonString()));
            // Each step succeeded once.
            Assert.Equal(3, after.Count(e => e["type"]!.GetValue<string>() == "StepSucceeded"));
        }
        // The robots linked to the dead silo came back by themselves, to a silo alive after the kill.
        Assert.NotEmpty(linkedToVictim);
        var reconnected = silos.SelectMany(s => RobotsConnected(fleet.Logs(s.ResourceId).Skip(seen[s.ResourceId]))).ToHashSet(StringComparer.Ordinal);
        Assert.All(linkedToVictim, robot => Assert.Contains(robot, reconnected));
        await WaitThroughRestartsAsync(() => FleetApi.WaitForRobotsAsync(fleet.Http, FleetApi.Online(4)));
    }

    internal static async Task<string> SubmitAsync(FleetApp fleet, string instruction)
    {
        using var response = await fleet.Authorized.PostAsJsonAsync("/api/tasks", new { instruction });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"submit answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["taskId"]!.GetValue<string>();
    }

    private static async Task KillAsync(int pid)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>The robots whose link a silo's log announces ("Robot sim-2 connected (session …)").</summary>
    private static HashSet<string> RobotsConnected(IEnumerable<string> log) =>
        [.. log.Where(line => line.Contains(" connected (session ", StringComparison.Ordinal) && line.Contains("Robot ", StringComparison.Ordinal))
            .Select(line => line[(line.IndexOf("Robot ", StringComparison.Ordinal) + "Robot ".Length)..].Split(' ')[0])];

    private static string Tail(string text) => text[^Math.Min(text.Length, 4000)..];

    // While the orchestrator is down (killed, not yet restarted by the AppHost) its proxy refuses or drops connections.
    private static async Task<T> WaitThroughRestartsAsync<T>(Func<Task<T>> wait)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            try
            {
                return await wait();
            }
            catch (Exception e) when (e is HttpRequestException or IOException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }
}
