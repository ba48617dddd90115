using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.Cli.Tests;

/// <summary>
/// The parts of the orchestrator's REST contract (CONTRACT.md) the CLI uses, on Kestrel at 127.0.0.1:0, written
/// from the contract's text (raw JSON, not the CLI's DTOs) so a mismatch between the two shows. A submitted task
/// plays a script: planning events are recorded right after its history is first read (so a client that then
/// streams from position 0 or from "now" would show them twice or not at all), the rest when an event stream
/// connects, mixed with another robot's events.
/// </summary>
internal sealed class FakeFleetServer : IAsyncDisposable
{
    public const string Token = "secret-token";

    private static readonly DateTimeOffset Start = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private readonly Lock _gate = new();
    private readonly List<JsonObject> _events = [];
    private readonly Dictionary<string, JsonObject> _tasks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _planned = new(StringComparer.Ordinal);
    private readonly HashSet<string> _played = new(StringComparer.Ordinal);
    private readonly List<string> _requests = [];
    private readonly WebApplication _app;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeFleetServer(WebApplication app) => _app = app;

    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>How submitted tasks end: "Completed", "Failed" or "Cancelled".</summary>
    public string Outcome { get; set; } = "Completed";

    /// <summary>Answer <c>GET /api/robots</c> with 500.</summary>
    public bool FailRobots { get; set; }

    /// <summary>"METHOD path?query auth" of every request, in order.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public int TaskCount
    {
        get
        {
            lock (_gate)
            {
                return _tasks.Count;
            }
        }
    }

    public static async Task<FakeFleetServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        var server = new FakeFleetServer(app);
        server.Map(app);
        await app.StartAsync();
        return server;
    }

    /// <summary>Records a finished task with events spread over time (for replay), without a script.</summary>
    public string AddFinishedTask(params (string Type, double Seconds, JsonObject Data)[] history)
    {
        lock (_gate)
        {
            var id = $"t{_tasks.Count + 1}";
            _tasks[id] = TaskView(id, "replay me", history.Any(h => h.Type == "TaskCompleted") ? "Completed" : "Assigned", 1);
            _planned.Add(id);
            _played.Add(id);
            foreach (var (type, seconds, data) in history)
            {
                AppendLocked("task-" + id, type, data, Start.AddSeconds(seconds));
            }
            return id;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            lock (_gate)
            {
                _requests.Add($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString} {context.Request.Headers.Authorization}");
            }
            await next(context);
        });
        app.MapPost("/api/tasks", async (HttpContext context) =>
        {
            if (context.Request.Headers.Authorization != $"Bearer {Token}")
            {
                return Results.Unauthorized();
            }
            var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
            var instruction = (string?)body["instruction"];
            var robot = (string?)body["robotId"];
            if (string.IsNullOrWhiteSpace(instruction))
            {
                return Results.Problem(title: "Invalid task", detail: "instruction is required", statusCode: 400);
            }
            if (robot is not null && robot != "sim-1")
            {
                return Results.Problem(title: "Unknown robot", detail: $"no robot {robot} in the fleet", statusCode: 400);
            }
            string id;
            lock (_gate)
            {
                id = $"t{_tasks.Count + 1}";
                _tasks[id] = TaskView(id, instruction, "Submitted", 2);
                AppendLocked("task-" + id, "TaskSubmitted", new JsonObject { ["task"] = id, ["instruction"] = instruction, ["at"] = Now() });
            }
            return Results.Json(new JsonObject { ["taskId"] = id }, statusCode: 202);
        });
        app.MapGet("/api/tasks", (string? phase) =>
        {
            lock (_gate)
            {
                var list = _tasks.Values.Where(t => phase is null || (string?)t["phase"] == phase).Reverse().Select(t => t.DeepClone());
                return Results.Text(new JsonArray([.. list]).ToJsonString(), "application/json");
            }
        });
        app.MapGet("/api/tasks/{id}", (string id) =>
        {
            lock (_gate)
            {
                return _tasks.TryGetValue(id, out var task)
                    ? Results.Text(task.ToJsonString(), "application/json")
                    : Results.Problem(title: "Task not found", detail: $"no task {id}", statusCode: 404);
            }
        });
        app.MapGet("/api/tasks/{id}/events", (string id) =>
        {
            lock (_gate)
            {
                if (!_tasks.ContainsKey(id))
                {
                    return Results.Problem(title: "Task not found", detail: $"no task {id}", statusCode: 404);
                }
                var history = new JsonArray([.. _events.Where(e => (string?)e["stream"] == "task-" + id).Select(e => e.DeepClone())]);
                if (Outcome == "PlanningFailed" && _planned.Add(id))
                {
                    // The planner refused it: no steps, and nothing to play.
                    _played.Add(id);
                    AppendLocked("task-" + id, "TaskPlanningStarted", new JsonObject { ["at"] = Now() });
                    AppendLocked("task-" + id, "TaskFailed", new JsonObject { ["category"] = "Planning", ["reason"] = "no 'red block' in scene table-sim-1", ["at"] = Now() });
                    _tasks[id]["phase"] = "Failed";
                    _tasks[id]["steps"] = new JsonArray();
                    _tasks[id]["failureCategory"] = "Planning";
                    _tasks[id]["failureReason"] = "no 'red block' in scene table-sim-1";
                }
                else if (_planned.Add(id))
                {
                    // Recorded after this read and before the client's stream: the gap a follower must not fall into.
                    AppendLocked("task-" + id, "TaskPlanningStarted", new JsonObject { ["at"] = Now() });
                    AppendLocked("task-" + id, "TaskPlanned", new JsonObject
                    {
                        ["plan"] = new JsonObject { ["steps"] = new JsonArray(new JsonObject(), new JsonObject()), ["planner"] = "rule" },
                        ["at"] = Now(),
                    });
                    _tasks[id]["phase"] = "WaitingForRobot";
                }
                return Results.Text(history.ToJsonString(), "application/json");
            }
        });
        app.MapGet("/api/robots", () =>
        {
            if (FailRobots)
            {
                return Results.Problem(title: "Internal error", detail: "the robot directory is not activated", statusCode: 500);
            }
            var robots = new JsonArray(new JsonObject
            {
                ["id"] = "sim-1",
                ["kind"] = "Arm",
                ["sceneId"] = "table-sim-1",
                ["connection"] = "Online",
                ["lastHeartbeat"] = Now(),
                ["battery"] = 0.8,
                ["pose"] = new JsonObject { ["x"] = 0, ["y"] = 0, ["z"] = 0 },
                ["reservedBy"] = null,
                ["currentStep"] = new JsonObject { ["taskId"] = "t9", ["stepIndex"] = 1, ["traceId"] = "tr-1", ["state"] = "Executing", ["progress"] = 0.25 },
            });
            return Results.Text(robots.ToJsonString(), "application/json");
        });
        app.MapGet("/api/stream", StreamAsync);
    }

    private async Task StreamAsync(HttpContext context)
    {
        var after = long.TryParse(context.Request.Query["after"], NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a
            : long.TryParse(context.Request.Headers["Last-Event-ID"], NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : 0;
        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync(": connected\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        PlayScripts();
        try
        {
            while (true)
            {
                List<JsonObject> batch;
                Task changed;
                lock (_gate)
                {
                    batch = [.. _events.Where(e => (long)e["position"]! > after)];
                    changed = _changed.Task;
                }
                foreach (var e in batch)
                {
                    await context.Response.WriteAsync($"id: {(long)e["position"]!}\nevent: {(string?)e["type"]}\ndata: {e.ToJsonString()}\n\n", context.RequestAborted);
                    after = (long)e["position"]!;
                }
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await changed.WaitAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
    }

    /// <summary>Runs each planned task to its end: robot assigned, two steps with progress, and the outcome.</summary>
    private void PlayScripts()
    {
        lock (_gate)
        {
            foreach (var id in _planned.Where(id => !_played.Contains(id)).ToList())
            {
                _played.Add(id);
                var stream = "task-" + id;
                AppendLocked(stream, "RobotAssigned", new JsonObject { ["robot"] = "sim-1", ["scene"] = "table-sim-1", ["fromStep"] = 0, ["at"] = Now() });
                AppendLocked("robot-sim-1", "RobotReserved", new JsonObject { ["task"] = id, ["at"] = Now() });
                var steps = Outcome == "Completed" ? 2 : 1;
                for (var step = 0; step < steps; step++)
                {
                    AppendLocked(stream, "TraceAssigned", new JsonObject
                    {
                        ["stepIndex"] = step,
                        ["trace"] = $"tr-{step}",
                        ["points"] = new JsonObject { ["points3D"] = new JsonArray(Point(), Point(), Point()), ["backend"] = "geometric" },
                        ["robot"] = "sim-1",
                        ["at"] = Now(),
                    });
                    AppendLocked(stream, "StepExecutionReported", new JsonObject { ["stepIndex"] = step, ["trace"] = $"tr-{step}", ["state"] = "Executing", ["progress"] = 0.5, ["at"] = Now() });
                    if (Outcome == "Completed")
                    {
                        AppendLocked(stream, "StepSucceeded", new JsonObject { ["stepIndex"] = step, ["detail"] = "placed", ["at"] = Now() });
                        ((JsonArray)_tasks[id]["steps"]!)[step]!["phase"] = "Succeeded";
                    }
                }
                switch (Outcome)
                {
                    case "Completed":
                        AppendLocked(stream, "TaskCompleted", new JsonObject { ["at"] = Now() });
                        break;
                    case "Failed":
                        AppendLocked(stream, "TaskFailed", new JsonObject { ["category"] = "Grasp", ["reason"] = "the cup slipped three times", ["at"] = Now() });
                        _tasks[id]["failureCategory"] = "Grasp";
                        _tasks[id]["failureReason"] = "the cup slipped three times";
                        break;
                    default:
                        AppendLocked(stream, "TaskCancelled", new JsonObject { ["reason"] = "by user", ["at"] = Now() });
                        break;
                }
                _tasks[id]["phase"] = Outcome;
            }
        }
    }

    private static JsonObject Point() => new() { ["x"] = 0.1, ["y"] = 0.2, ["z"] = 0.9 };

    private void AppendLocked(string stream, string type, JsonObject data, DateTimeOffset? at = null)
    {
        var version = _events.Count(e => (string?)e["stream"] == stream) + 1;
        _events.Add(new JsonObject
        {
            ["position"] = (long)(_events.Count + 1),
            ["version"] = (long)version,
            ["stream"] = stream,
            ["type"] = type,
            ["recordedAt"] = (at ?? DateTimeOffset.UtcNow).ToString("O", CultureInfo.InvariantCulture),
            ["data"] = data,
        });
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private static JsonObject TaskView(string id, string instruction, string phase, int steps) => new()
    {
        ["id"] = id,
        ["instruction"] = instruction,
        ["phase"] = phase,
        ["robotId"] = "sim-1",
        ["sceneId"] = "table-sim-1",
        ["currentStep"] = 0,
        ["steps"] = new JsonArray([.. Enumerable.Range(0, steps).Select(i => (JsonNode)new JsonObject
        {
            ["index"] = i,
            ["action"] = "PickAndPlace",
            ["instruction"] = $"step {i}",
            ["phase"] = "Pending",
            ["attempts"] = 0,
            ["replacements"] = 0,
            ["traceId"] = null,
            ["robotId"] = null,
            ["progress"] = 0.0,
            ["lastFailure"] = null,
        })]),
        ["failureCategory"] = null,
        ["failureReason"] = null,
        ["planner"] = "rule",
        ["submittedAt"] = Now(),
        ["updatedAt"] = Now(),
        ["version"] = 1,
    };
}
