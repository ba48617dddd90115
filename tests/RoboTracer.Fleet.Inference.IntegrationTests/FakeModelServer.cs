using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.Inference.IntegrationTests;

/// <summary>A request the model server received, with the files its paths named as they were at that moment.</summary>
internal sealed record ReceivedRequest(string Path, JsonElement Body, IReadOnlyDictionary<string, byte[]?> Files);

/// <summary>
/// A model server on a loopback port that speaks the contracts our backends are clients of: RoboTracer's and
/// RoboRefer's <c>POST /query</c> (under any path prefix) and OpenAI's <c>POST /v1/chat/completions</c>. It records
/// what it receives, answers what the test sets, and can hold replies until released.
/// </summary>
internal sealed class FakeModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedRequest> _arrivals = Channel.CreateUnbounded<ReceivedRequest>();
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeModelServer(WebApplication app)
    {
        _app = app;
    }

    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    /// <summary>The answer text for a request body; default a 2D RoboTracer answer.</summary>
    public Func<JsonElement, string> Answer { get; set; } = _ => "[(500, 500), (250, 750)]";

    /// <summary>When set, every request gets this HTTP status and a plain-text error instead of an answer.</summary>
    public int? FailWith { get; set; }

    /// <summary>When true, replies wait for <see cref="Release"/>.</summary>
    public bool Hold { get; set; }

    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    public static async Task<FakeModelServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var server = new FakeModelServer(app);
        app.MapPost("/{**path}", (Func<HttpContext, Task<IResult>>)server.HandleAsync);
        await app.StartAsync();
        return server;
    }

    /// <summary>Completes with the next request to arrive (or one that arrived and was not yet awaited).</summary>
    public async Task<ReceivedRequest> NextRequestAsync() => await _arrivals.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Lets the held replies go.</summary>
    public void Release()
    {
        Hold = false;
        _release.TrySetResult();
        _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var release = _release.Task;
        using var document = await JsonDocument.ParseAsync(context.Request.Body);
        var body = document.RootElement.Clone();
        var path = context.Request.Path.Value ?? "";
        var received = new ReceivedRequest(path, body, ReadNamedFiles(body));
        _received.Enqueue(received);
        _arrivals.Writer.TryWrite(received);
        if (Hold)
        {
            await release.WaitAsync(context.RequestAborted);
        }
        if (FailWith is { } status)
        {
            return Results.Text($"model server error {status}", statusCode: status);
        }
        var answer = Answer(body);
        if (path.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            return Results.Json(new
            {
                id = "chatcmpl-test",
                @object = "chat.completion",
                created = 1_700_000_000,
                model = body.GetProperty("model").GetString(),
                choices = new[] { new { index = 0, message = new { role = "assistant", content = answer }, finish_reason = "stop" } },
                usage = new { prompt_tokens = 10, completion_tokens = 10, total_tokens = 20 },
            });
        }
        return body.TryGetProperty("image_url", out _) ? Results.Json(new { result = 1, answer }) : Results.Json(new { answer });
    }

    /// <summary>RoboTracer's contract passes files by path: read them while the request is in flight.</summary>
    private static Dictionary<string, byte[]?> ReadNamedFiles(JsonElement body)
    {
        var files = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        foreach (var field in new[] { "image_paths", "depth_z_paths" })
        {
            if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty(field, out var paths) && paths.ValueKind == JsonValueKind.Array)
            {
                foreach (var path in paths.EnumerateArray().Select(p => p.GetString()!))
                {
                    files[path] = File.Exists(path) ? File.ReadAllBytes(path) : null;
                }
            }
        }
        return files;
    }
}
