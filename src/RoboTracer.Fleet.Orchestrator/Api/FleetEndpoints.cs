using System.Text;
using System.Text.Json;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.Grains;
using RoboTracer.Fleet.Orchestrator.Hosting;
using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Orchestrator.Api;

/// <summary>Robots, blobs and the live event stream (DESIGN.md §4).</summary>
internal static class FleetEndpoints
{
    public static void MapFleetEndpoints(this IEndpointRouteBuilder app, OrchestratorOptions options)
    {
        app.MapGet("/api/robots", RobotsAsync)
            .RequireReadToken(options)
            .Produces<List<RobotView>>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithTags("Robots")
            .WithSummary("Every robot that ever registered, by id.");
        app.MapGet("/api/blobs/{sha256}", BlobAsync)
            .RequireReadToken(options)
            .Produces(StatusCodes.Status200OK, contentType: "image/png", additionalContentTypes: ["image/jpeg", "application/octet-stream"])
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithTags("Blobs")
            .WithSummary("An image or depth buffer by its SHA-256.");
        app.MapGet("/api/stream", StreamAsync)
            .RequireReadToken(options)
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithTags("Stream")
            .WithSummary("Server-sent events of every recorded event from ?after= or Last-Event-ID (default: from now), in position order.");
    }

    private static async Task<IResult> RobotsAsync(FleetNode node)
    {
        var ids = await node.Grains.GetRobotDirectory().GetRobotsAsync();
        var views = new List<RobotView>(ids.Count);
        foreach (var id in ids.OrderBy(r => r.Value, StringComparer.Ordinal))
        {
            views.Add(RobotView.From(await node.Grains.GetRobot(id).GetStatusAsync()));
        }
        return Results.Ok(views);
    }

    private static async Task<IResult> BlobAsync(string sha256, FleetNode node, CancellationToken cancellationToken)
    {
        if (!BlobHash.TryParse(sha256, out var hash))
        {
            return TaskEndpoints.BadRequest($"'{sha256}' is not a SHA-256 hash: expected 64 hex digits.");
        }
        var content = await node.Store.GetBlobAsync(hash, cancellationToken);
        if (content is null)
        {
            return TaskEndpoints.NotFound($"No blob has hash {hash}.");
        }
        var mediaType = ImageFormat.TrySniff(content, out var info, out _) ? info.MediaType : "application/octet-stream";
        // Content-addressed: the bytes behind a hash never change.
        return Results.Bytes(content, mediaType, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{hash}\""));
    }

    private static async Task StreamAsync(string? after, HttpContext context, FleetNode node, IHostApplicationLifetime lifetime)
    {
        // A stream never ends by itself: it must end when the server stops, or shutdown waits for every client.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var cancellationToken = ended.Token;
        long from;
        if (long.TryParse(context.Request.Headers["Last-Event-ID"].ToString(), out var lastEventId) && lastEventId >= 0)
        {
            from = lastEventId;
        }
        else if (after is not null)
        {
            // Parsed here, not bound, so that "abc" gets a message that says what after is.
            if (!long.TryParse(after, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var position))
            {
                await TaskEndpoints.BadRequest($"after is '{after}': expected an event position, a whole number ≥ 0 (0 replays every event; omit it to start from now).").ExecuteAsync(context);
                return;
            }
            from = position;
        }
        else
        {
            from = await node.Store.GetHeadPositionAsync(cancellationToken);
        }
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        var body = context.Response.BodyWriter;
        // The retry hint and a first comment go out at once, so the client sees the stream open before any event.
        await body.WriteAsync(Encoding.UTF8.GetBytes($"retry: 2000\n: from position {from}\n\n"), cancellationToken);
        await body.FlushAsync(cancellationToken);
        try
        {
            await using var json = new Utf8JsonWriter(body);
            await foreach (var recorded in node.Store.SubscribeAsync(from, cancellationToken))
            {
                await body.WriteAsync(Encoding.UTF8.GetBytes($"id: {recorded.Position}\nevent: {recorded.EventType}\ndata: "), cancellationToken);
                EventJson.Write(json, recorded);
                await json.FlushAsync(cancellationToken);
                json.Reset(body);
                await body.WriteAsync("\n\n"u8.ToArray(), cancellationToken);
                await body.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away, or the server is stopping.
        }
    }
}
