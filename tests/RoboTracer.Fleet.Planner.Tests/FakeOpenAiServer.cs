using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.Planner.Tests;

/// <summary>
/// An OpenAI-compatible chat-completions server on 127.0.0.1 (Kestrel, HTTP/1.1): answers
/// <c>POST /v1/chat/completions</c> with scripted replies, in order, and records each request body.
/// </summary>
internal sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<JsonElement, HttpContext, Task>> _replies = new();
    private readonly ConcurrentQueue<JsonElement> _requests = new();
    private readonly TaskCompletionSource _firstRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeOpenAiServer(WebApplication app) => _app = app;

    /// <summary>The base URL clients use, with the version path.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Completes when the first request has been recorded.</summary>
    public Task FirstRequest => _firstRequest.Task;

    /// <summary>Request bodies received, in order.</summary>
    public IReadOnlyList<JsonElement> Requests => [.. _requests];

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeOpenAiServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.Endpoint = new Uri($"{address}/v1/");
        return server;
    }

    /// <summary>A base URL nobody listens on: a port that was free a moment ago.</summary>
    public static Uri DeadEndpoint()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/v1/");
    }

    /// <summary>Answers the next request with <paramref name="content"/> as the assistant's message.</summary>
    public void Reply(string content, string finishReason = "stop") => _replies.Enqueue((request, context) =>
    {
        var body = new JsonObject
        {
            ["id"] = $"chatcmpl-{_requests.Count}",
            ["object"] = "chat.completion",
            ["created"] = 1_735_732_800,
            ["model"] = request.TryGetProperty("model", out var model) ? model.GetString() : "unknown",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
                ["finish_reason"] = finishReason,
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 42, ["completion_tokens"] = 7, ["total_tokens"] = 49 },
        };
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    });

    /// <summary>Answers the next request with the JSON of <paramref name="plan"/>.</summary>
    public void ReplyJson(object plan) => Reply(JsonSerializer.Serialize(plan));

    /// <summary>Answers the next request with an HTTP error.</summary>
    public void ReplyStatus(int status) => _replies.Enqueue((_, context) =>
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsync("{\"error\":{\"message\":\"scripted failure\",\"type\":\"server_error\"}}", context.RequestAborted);
    });

    /// <summary>Answers the next request as a server-sent event stream of <paramref name="pieces"/>, then usage.</summary>
    public void ReplyStream(params string[] pieces) => _replies.Enqueue(async (request, context) =>
    {
        var model = request.GetProperty("model").GetString();
        context.Response.ContentType = "text/event-stream";
        for (var i = 0; i < pieces.Length; i++)
        {
            var delta = i == 0 ? new JsonObject { ["role"] = "assistant", ["content"] = pieces[i] } : new JsonObject { ["content"] = pieces[i] };
            await WriteEventAsync(Chunk(delta, finishReason: null));
        }
        await WriteEventAsync(Chunk(new JsonObject(), "stop"));
        var usage = Chunk(null, null);
        usage["choices"] = new JsonArray();
        usage["usage"] = new JsonObject { ["prompt_tokens"] = 5, ["completion_tokens"] = pieces.Length, ["total_tokens"] = 5 + pieces.Length };
        await WriteEventAsync(usage);
        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);

        JsonObject Chunk(JsonObject? delta, string? finishReason) => new()
        {
            ["id"] = "chatcmpl-stream",
            ["object"] = "chat.completion.chunk",
            ["created"] = 1_735_732_800,
            ["model"] = model,
            ["choices"] = delta is null ? new JsonArray() : new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
        };

        async Task WriteEventAsync(JsonObject chunk)
        {
            await context.Response.WriteAsync($"data: {chunk.ToJsonString()}\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    });

    /// <summary>Holds the next request until the client gives up on it.</summary>
    public void NeverReply() => _replies.Enqueue(async (_, context) =>
    {
        await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
    });

    private async Task HandleAsync(HttpContext context)
    {
        using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var request = document.RootElement.Clone();
        _requests.Enqueue(request);
        _firstRequest.TrySetResult();
        if (!_replies.TryDequeue(out var reply))
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await context.Response.WriteAsync("{\"error\":{\"message\":\"no scripted reply\"}}", context.RequestAborted);
            return;
        }
        await reply(request, context);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
