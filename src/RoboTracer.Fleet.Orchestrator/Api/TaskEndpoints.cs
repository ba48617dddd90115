using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Tasks;
using RoboTracer.Fleet.Grains;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Grains.Tasks;
using RoboTracer.Fleet.Serialization;
using RoboTracer.Fleet.Orchestrator.Hosting;
using RoboTracer.Fleet.Orchestrator.Telemetry;
using RoboTracer.Fleet.Planner;

namespace RoboTracer.Fleet.Orchestrator.Api;

/// <summary>The task resources of DESIGN.md §4.</summary>
internal static class TaskEndpoints
{
    public static void MapTaskEndpoints(this IEndpointRouteBuilder app, OrchestratorOptions options)
    {
        // Every route's statuses are declared (each 4xx/5xx a problem+json): /openapi/v1.json lists what it answers.
        var tasks = app.MapGroup("/api/tasks").WithTags("Tasks").ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        tasks.MapPost("/", SubmitAsync)
            .RequireToken()
            .Accepts<SubmitTaskRequest>("application/json")
            .WithMetadata(AnyContentType.Instance)
            .Produces<SubmitTaskResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Submits a long-horizon instruction; an Idempotency-Key header makes a retried submission return the same task.");
        tasks.MapGet("/", ListAsync)
            .RequireReadToken(options)
            .Produces<List<TaskView>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Every task, newest first; ?phase= filters.");
        tasks.MapGet("/{id}", GetAsync)
            .RequireReadToken(options)
            .Produces<TaskView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One task.");
        tasks.MapGet("/{id}/events", EventsAsync)
            .RequireReadToken(options)
            .Produces<List<EventView>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The task's full history, in order.");
        tasks.MapPost("/{id}/cancel", CancelAsync)
            .RequireToken()
            .Produces<TaskView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Cancels the task and stops its robot.");
    }

    /// <summary>
    /// Lets routing choose the route whatever the body's Content-Type, so that the route itself answers 415 to a body
    /// that is not JSON. Left to routing, the mismatch would pass the route over, and gRPC's catch-all route for
    /// unknown services (<c>/{service}/{method}</c>, which also matches <c>/api/tasks</c>) then leaves a bare 404.
    /// The request body's OpenAPI description still comes from the bound parameter (application/json).
    /// </summary>
    private sealed class AnyContentType : IAcceptsMetadata
    {
        public static readonly AnyContentType Instance = new();

        public IReadOnlyList<string> ContentTypes => [];

        public Type? RequestType => null;

        public bool IsOptional => false;
    }

    /// <summary>The route needs the API token (<see cref="ApiTokenAuthentication"/>): 401 problem+json without it.</summary>
    internal static RouteHandlerBuilder RequireToken(this RouteHandlerBuilder route) =>
        route.RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized);

    /// <summary>Reads need the API token only when <c>Fleet:RequireTokenForReads</c> is set.</summary>
    internal static RouteHandlerBuilder RequireReadToken(this RouteHandlerBuilder route, OrchestratorOptions options) =>
        options.RequireTokenForReads ? route.RequireToken() : route;

    /// <summary>
    /// The longest instruction a submission may carry: the task's own limit, or the planner's when it is lower (a longer
    /// one would be accepted here only to fail planning a moment later).
    /// </summary>
    internal static int MaxInstructionLength(PlannerOptions planner) => Math.Min(TaskSubmission.MaxInstructionLength, planner.MaxInstructionLength);

    private static async Task<IResult> SubmitAsync(SubmitTaskRequest? body, HttpRequest request, FleetNode node, TaskTelemetry telemetry, PlannerOptions planner)
    {
        if (body?.Instruction is not { } instruction || string.IsNullOrWhiteSpace(instruction))
        {
            return BadRequest("The body needs an instruction: {\"instruction\": \"put the red cup on the plate\", \"robotId\": \"optional\"}.");
        }
        RobotId? robot = null;
        if (!string.IsNullOrWhiteSpace(body.RobotId))
        {
            if (!TryId(() => new RobotId(body.RobotId), out RobotId parsed, out var problem))
            {
                return BadRequest(problem!);
            }
            robot = parsed;
        }
        if (new TaskSubmission(instruction, robot).Problem() is { } invalid)
        {
            return BadRequest($"The instruction was refused: {invalid}.");
        }
        if (instruction.Length > MaxInstructionLength(planner))
        {
            return BadRequest($"The instruction was refused: it is {instruction.Length} characters long; the planner takes at most {MaxInstructionLength(planner)} (Planner:MaxInstructionLength).");
        }
        var key = request.Headers["Idempotency-Key"].ToString();
        var task = key.Length > 0 ? IdFromKey(key) : TaskId.New();
        using var activity = telemetry.StartSubmission(task, instruction);
        try
        {
            await node.Grains.GetTask(task).SubmitAsync(new TaskSubmission(instruction, robot));
        }
        catch (Exception e) when (e is ArgumentException or UnknownRobotException or RobotCapabilityException)
        {
            telemetry.Forget(task);
            // Without ArgumentException's " (Parameter 'x')": the caller sent a body, not a parameter of ours.
            return BadRequest(e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message);
        }
        catch (InvalidOperationException e) when (key.Length > 0)
        {
            // The task grain's answer when the id (derived from the key) holds a different submission.
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Idempotency key reused", detail: e.Message);
        }
        return Results.Accepted($"/api/tasks/{task.Value}", new SubmitTaskResponse(task.Value));
    }

    private static async Task<IResult> ListAsync(string? phase, FleetNode node)
    {
        TaskPhase? wanted = null;
        if (!string.IsNullOrEmpty(phase))
        {
            if (!Enum.TryParse<TaskPhase>(phase, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return BadRequest($"phase '{phase}' is not one of {string.Join(", ", Enum.GetNames<TaskPhase>())}.");
            }
            wanted = parsed;
        }
        var entries = await node.Grains.GetTaskIndex().ListAsync();
        var views = new List<TaskView>(entries.Count);
        foreach (var entry in entries.Reverse())
        {
            try
            {
                var status = await node.Grains.GetTask(entry.Task).GetStatusAsync();
                if (wanted is null || status.Phase == wanted)
                {
                    views.Add(TaskView.From(status));
                }
            }
            catch (UnknownTaskException)
            {
                // Indexed by a submission that never wrote its first event; recovery marks it failed.
            }
        }
        return Results.Ok(views);
    }

    private static async Task<IResult> GetAsync(string id, FleetNode node)
    {
        var lookup = await ResolveTaskAsync(id, node);
        if (lookup.Task is not { } task)
        {
            return lookup.Problem!;
        }
        try
        {
            return Results.Ok(TaskView.From(await node.Grains.GetTask(task).GetStatusAsync()));
        }
        catch (UnknownTaskException e)
        {
            return NotFound(e.Message);
        }
    }

    private static async Task EventsAsync(string id, FleetNode node, HttpContext context)
    {
        var lookup = await ResolveTaskAsync(id, node);
        if (lookup.Task is not { } task)
        {
            await lookup.Problem!.ExecuteAsync(context);
            return;
        }
        var stream = FleetStreams.Task(task);
        var cancellationToken = context.RequestAborted;
        if (await node.Store.GetStreamVersionAsync(stream, cancellationToken) == 0)
        {
            await NotFound($"Task '{task}' does not exist.").ExecuteAsync(context);
            return;
        }
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartArray();
        await foreach (var recorded in node.Store.ReadStreamAsync(stream, cancellationToken: cancellationToken))
        {
            EventJson.Write(writer, recorded);
            if (writer.BytesPending > 32 * 1024)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }
        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken);
    }

    private static async Task<IResult> CancelAsync(string id, FleetNode node)
    {
        var lookup = await ResolveTaskAsync(id, node);
        if (lookup.Task is not { } task)
        {
            return lookup.Problem!;
        }
        try
        {
            return Results.Ok(TaskView.From(await node.Grains.GetTask(task).CancelAsync("cancelled through the API")));
        }
        catch (UnknownTaskException e)
        {
            return NotFound(e.Message);
        }
        catch (InvalidOperationException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Task already finished", detail: e.Message);
        }
    }

    // The same key always names the same task, so a retried POST finds the task the first one made.
    private static TaskId IdFromKey(string key) =>
        new("k" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..31]);

    /// <summary>
    /// The task a route's <c>{id}</c> names: a full id as it is, or, as git takes commits, a unique prefix of at least
    /// <see cref="MinimumPrefix"/> characters of one (an exact id among the tasks wins over longer ids it prefixes).
    /// A malformed id or an ambiguous prefix is 400 with what to send instead; no match is 404.
    /// </summary>
    private static async Task<TaskLookup> ResolveTaskAsync(string id, FleetNode node)
    {
        if (!TryId(() => new TaskId(id), out TaskId task, out var problem))
        {
            return new TaskLookup(null, BadRequest(problem!));
        }
        if (id.Length >= FullIdLength)
        {
            return new TaskLookup(task, null);
        }
        var entries = await node.Grains.GetTaskIndex().ListAsync();
        if (entries.Any(e => e.Task == task))
        {
            return new TaskLookup(task, null);
        }
        if (id.Length < MinimumPrefix)
        {
            return new TaskLookup(null, NotFound($"Task '{id}' does not exist; a short id needs at least {MinimumPrefix} characters of the task's id."));
        }
        var matches = entries.Where(e => e.Task.Value.StartsWith(id, StringComparison.Ordinal)).Select(e => e.Task).ToList();
        return matches.Count switch
        {
            0 => new TaskLookup(null, NotFound($"Task '{id}' does not exist, and no task id starts with it.")),
            1 => new TaskLookup(matches[0], null),
            _ => new TaskLookup(null, BadRequest(
                $"'{id}' is the start of {matches.Count} task ids ({string.Join(", ", matches.Take(5).Select(m => m.Value))}{(matches.Count > 5 ? ", …" : "")}): send more of the id.")),
        };
    }

    /// <summary>The length of the ids the fleet makes (a GUID's 32 hex digits): such an id is never taken as a prefix.</summary>
    private const int FullIdLength = 32;

    /// <summary>The shortest prefix taken for a task id.</summary>
    public const int MinimumPrefix = 4;

    private readonly record struct TaskLookup(TaskId? Task, IResult? Problem);

    internal static bool TryId<T>(Func<T> create, out T id, out string? problem)
    {
        try
        {
            id = create();
            problem = null;
            return true;
        }
        catch (ArgumentException e)
        {
            id = default!;
            problem = e.Message;
            return false;
        }
    }

    internal static IResult BadRequest(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    internal static IResult NotFound(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);
}
