using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.AppHost.Fleet;

/// <summary>
/// Submits the demo long-horizon task through the REST API (DESIGN.md §4) once the simulated robots are online, so a
/// first run shows something moving. A failure is reported and leaves the fleet running.
/// </summary>
internal sealed class DemoSubmitter(HttpClient http, Uri orchestrator, string apiToken, int robots, ILogger log)
{
    /// <summary>Uses objects every simulated scene has: a red cup, a blue box and a plate.</summary>
    public const string Instruction = "put the red cup on the plate, then move the blue box to the left of the plate";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>How long to wait for every robot before submitting anyway (the task then waits for a robot).</summary>
    public TimeSpan RobotsTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The task id, or null when it could not be submitted.</summary>
    public async Task<string?> SubmitAsync(CancellationToken cancellationToken)
    {
        try
        {
            var online = await WaitForRobotsAsync(cancellationToken);
            if (online < robots)
            {
                log.LogWarning("demo: {Online} of {Robots} robots online after {Seconds:0} s; submitting anyway", online, robots, RobotsTimeout.TotalSeconds);
            }
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(orchestrator, "/api/tasks"))
            {
                Content = JsonContent.Create(new { instruction = Instruction }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiToken);
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                log.LogWarning("demo: POST /api/tasks answered {Status}: {Body}", (int)response.StatusCode, body);
                return null;
            }
            using var json = JsonDocument.Parse(body);
            var taskId = json.RootElement.TryGetProperty("taskId", out var id) ? id.GetString() : null;
            log.LogInformation("demo: submitted task {TaskId}: \"{Instruction}\"", taskId, Instruction);
            return taskId;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            log.LogWarning("demo: could not submit the demo task: {Message}", e.Message);
            return null;
        }
    }

    private async Task<int> WaitForRobotsAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RobotsTimeout);
        var online = 0;
        try
        {
            while (true)
            {
                online = await CountOnlineAsync(timeout.Token);
                if (online >= robots)
                {
                    return online;
                }
                await Task.Delay(PollInterval, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return online;
        }
    }

    private async Task<int> CountOnlineAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri(orchestrator, "/api/robots"), cancellationToken));
            return json.RootElement.ValueKind != JsonValueKind.Array
                ? 0
                : json.RootElement.EnumerateArray().Count(robot =>
                    robot.TryGetProperty("connection", out var connection) && connection.ValueKind == JsonValueKind.String && connection.GetString() == "Online");
        }
        catch (Exception e) when (e is HttpRequestException or JsonException)
        {
            // Not answering yet, or answering something else: not online.
            return 0;
        }
    }
}
