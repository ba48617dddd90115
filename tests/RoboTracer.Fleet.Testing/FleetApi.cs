using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

using Xunit;

namespace RoboTracer.Fleet.Testing;

/// <summary>The REST calls tests make, as JSON nodes (what any client sees).</summary>
public static class FleetApi
{
    public static async Task<string> SubmitAsync(OrchestratorHost host, string instruction, string? robotId = null)
    {
        using var response = await host.Authorized.PostAsJsonAsync("/api/tasks", new { instruction, robotId });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"submit answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["taskId"]!.GetValue<string>();
    }

    public static async Task<JsonNode> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
        {
            // Passing (a node died, the store is down): callers that wait through failures retry on it.
            throw new HttpRequestException($"GET {path} answered 503: {body}", null, response.StatusCode);
        }
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>
    /// Follows the task's events on the live stream (from the beginning) and returns the task's view as soon as
    /// <paramref name="done"/> holds for it: driven by events, with a generous timeout.
    /// </summary>
    public static Task<JsonNode> WaitForTaskAsync(OrchestratorHost host, string task, Func<JsonNode, bool> done, TimeSpan? timeout = null) =>
        WaitForTaskAsync(host.Http, task, done, timeout);

    /// <summary>The same against any orchestrator <paramref name="http"/> reaches.</summary>
    public static Task<JsonNode> WaitForTaskAsync(HttpClient http, string task, Func<JsonNode, bool> done, TimeSpan? timeout = null) =>
        WaitOnStreamAsync(
            http, "/api/stream?after=0", stream => stream == "task-" + task, () => GetAsync(http, $"/api/tasks/{task}"), done,
            timeout ?? TimeSpan.FromSeconds(90), $"task {task}");

    /// <summary>Follows the live stream until the robot list satisfies <paramref name="done"/> (generous timeout).</summary>
    public static async Task<JsonArray> WaitForRobotsAsync(HttpClient http, Func<JsonArray, bool> done, TimeSpan? timeout = null) =>
        (JsonArray)await WaitOnStreamAsync(
            http, "/api/stream", stream => stream.StartsWith("robot-", StringComparison.Ordinal), async () => await GetAsync(http, "/api/robots"),
            robots => done(robots.AsArray()), timeout ?? TimeSpan.FromSeconds(90), "the robots");

    /// <summary>One robot's view from <c>GET /api/robots</c>.</summary>
    public static async Task<JsonNode> RobotAsync(HttpClient http, string id) =>
        (await GetAsync(http, "/api/robots")).AsArray().Single(r => r!["id"]!.GetValue<string>() == id)!;

    /// <summary>
    /// Follows the robot's events on the live stream from the beginning (so none that came before the stream was
    /// opened is missed) and returns the robot's view as soon as <paramref name="done"/> holds for it.
    /// </summary>
    public static Task<JsonNode> WaitForRobotAsync(HttpClient http, string id, Func<JsonNode, bool> done, TimeSpan? timeout = null) =>
        WaitOnStreamAsync(
            http, "/api/stream?after=0", stream => stream == "robot-" + id, () => RobotAsync(http, id), done,
            timeout ?? TimeSpan.FromSeconds(60), $"robot {id}");

    /// <summary>
    /// Reads a view with <paramref name="read"/> and, until <paramref name="done"/> holds for it, reads it again after
    /// each event of a stream <paramref name="stream"/> selects on the live stream opened at <paramref name="path"/>.
    /// </summary>
    private static async Task<JsonNode> WaitOnStreamAsync(
        HttpClient http, string path, Func<string, bool> stream, Func<Task<JsonNode>> read, Func<JsonNode, bool> done, TimeSpan timeout, string what)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var last = await read();
        if (done(last))
        {
            return last;
        }
        try
        {
            await foreach (var e in SseReader.ReadAsync(http, path, cancellationToken: cancel.Token))
            {
                if (stream(e.Data["stream"]!.GetValue<string>()))
                {
                    last = await read();
                    if (done(last))
                    {
                        return last;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        throw new TimeoutException($"{what} did not reach the expected state; last seen: {last.ToJsonString()}");
    }

    /// <summary>
    /// Waits until the orchestrator has seen every robot go offline: a test robot's link closes on the robot's side
    /// first, and a task submitted before the orchestrator notices could still be given to that robot.
    /// </summary>
    public static async Task WaitUntilNoRobotIsOnlineAsync(HttpClient http)
    {
        var robots = (await GetAsync(http, "/api/robots")).AsArray();
        foreach (var online in robots.Where(r => r!["connection"]!.GetValue<string>() == "Online"))
        {
            await WaitForRobotAsync(http, online!["id"]!.GetValue<string>(), r => r["connection"]!.GetValue<string>() != "Online");
        }
    }

    /// <summary>True when at least <paramref name="count"/> robots are online.</summary>
    public static Func<JsonArray, bool> Online(int count) =>
        robots => robots.Count(r => r!["connection"]!.GetValue<string>() == "Online") >= count;

    public static string Phase(JsonNode task) => task["phase"]!.GetValue<string>();

    public static bool IsTerminal(JsonNode task) => Phase(task) is "Completed" or "Failed" or "Cancelled";

    public static Task<List<JsonNode>> EventsAsync(OrchestratorHost host, string task) => EventsAsync(host.Http, task);

    public static async Task<List<JsonNode>> EventsAsync(HttpClient http, string task) =>
        (await GetAsync(http, $"/api/tasks/{task}/events")).AsArray().Select(n => n!).ToList();

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Awaits <paramref name="waiting"/>; when it times out, fails with the task's state and history, which say why.</summary>
    public static async Task<T> ExpectAsync<T>(OrchestratorHost host, string task, Task<T> waiting)
    {
        try
        {
            return await waiting;
        }
        catch (OperationCanceledException)
        {
            var view = await GetAsync(host.Http, $"/api/tasks/{task}");
            var events = await EventsAsync(host, task);
            throw new TimeoutException($"gave up waiting; task: {view.ToJsonString()}; events: {string.Join(", ", events.Select(e => e["type"] + " " + e["data"]!.ToJsonString()))}");
        }
    }
}
