using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace RoboTracer.Fleet.Cli.Api;

/// <summary>
/// The orchestrator's REST API as CONTRACT.md defines it, over one <see cref="HttpClient"/>. Every failure is a
/// <see cref="FleetApiException"/> whose message says what to do: the server is down, the token is wrong, the
/// task is unknown, or the server's problem+json (title and detail) as it sent it.
/// </summary>
internal sealed class FleetApiClient : IDisposable
{
    /// <summary>How long a plain request may take; the event stream has no limit.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a dropped event stream keeps trying to reconnect before it gives up.</summary>
    public static readonly TimeSpan ReconnectWindow = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly string? _token;

    public FleetApiClient(Uri server, string? token, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        // A base without a trailing slash would drop its last segment when relative paths are resolved against it.
        Server = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
        _token = string.IsNullOrWhiteSpace(token) ? null : token;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) })
        {
            // The event stream stays open for as long as the user watches; plain requests get RequestTimeout each.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The orchestrator's base address.</summary>
    public Uri Server { get; }

    /// <summary><c>POST /api/tasks</c>: the new task's id.</summary>
    public async Task<string> SubmitAsync(string instruction, string? robotId, CancellationToken cancellationToken)
    {
        var body = JsonContent.Create(new SubmitTaskRequest(instruction, robotId), FleetApiJsonContext.Default.SubmitTaskRequest);
        var answer = await SendAsync(HttpMethod.Post, "api/tasks", body, FleetApiJsonContext.Default.SubmitTaskResponse, cancellationToken);
        return string.IsNullOrEmpty(answer.TaskId)
            ? throw new FleetApiException(FleetApiError.ServerError, "the server accepted the task but sent no taskId")
            : answer.TaskId;
    }

    /// <summary><c>GET /api/tasks[?phase=P]</c>, newest first.</summary>
    public Task<List<TaskView>> ListTasksAsync(string? phase, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, phase is null ? "api/tasks" : $"api/tasks?phase={Uri.EscapeDataString(phase)}", null, FleetApiJsonContext.Default.ListTaskView, cancellationToken);

    /// <summary><c>GET /api/tasks/{id}</c>.</summary>
    public Task<TaskView> GetTaskAsync(string taskId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"api/tasks/{Uri.EscapeDataString(taskId)}", null, FleetApiJsonContext.Default.TaskView, cancellationToken);

    /// <summary><c>GET /api/tasks/{id}/events</c>: the task's full history, in order.</summary>
    public Task<List<FleetEvent>> GetTaskEventsAsync(string taskId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"api/tasks/{Uri.EscapeDataString(taskId)}/events", null, FleetApiJsonContext.Default.ListFleetEvent, cancellationToken);

    /// <summary><c>POST /api/tasks/{id}/cancel</c>: the task as it is after the cancel.</summary>
    public Task<TaskView> CancelTaskAsync(string taskId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"api/tasks/{Uri.EscapeDataString(taskId)}/cancel", null, FleetApiJsonContext.Default.TaskView, cancellationToken);

    /// <summary><c>GET /api/robots</c>.</summary>
    public Task<List<RobotView>> ListRobotsAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "api/robots", null, FleetApiJsonContext.Default.ListRobotView, cancellationToken);

    /// <summary><c>GET /api/blobs/{sha256}</c>: a recorded image or depth PNG, by the hash an event holds.</summary>
    public async Task<byte[]> GetBlobAsync(string sha256, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(HttpMethod.Get, $"api/blobs/{Uri.EscapeDataString(sha256)}", null, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <summary>
    /// <c>GET /api/stream</c>: every event recorded after <paramref name="after"/> (the server's default start
    /// when null), then live ones, until cancelled. A dropped stream is resumed after the last position seen for
    /// up to <see cref="ReconnectWindow"/>, so no event is lost or repeated; a first connection that fails is
    /// <see cref="FleetApiError.Unreachable"/> at once.
    /// </summary>
    public async IAsyncEnumerable<FleetEvent> StreamAsync(long? after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = after;
        DateTimeOffset? droppedAt = null;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var response = await ConnectStreamAsync(last, droppedAt is not null, cancellationToken);
            if (response is null)
            {
                if (DateTimeOffset.UtcNow - droppedAt > ReconnectWindow)
                {
                    throw Unreachable($"the event stream dropped and did not come back within {ReconnectWindow.TotalSeconds:0} s", null);
                }
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
                continue;
            }
            using (response)
            {
                droppedAt = null;
                delay = TimeSpan.FromMilliseconds(100);
                var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                await using var events = ServerSentEventReader.ReadAsync(stream, cancellationToken).GetAsyncEnumerator(cancellationToken);
                while (true)
                {
                    try
                    {
                        if (!await events.MoveNextAsync())
                        {
                            break;
                        }
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                    {
                        // The connection broke mid-stream: resume after the last event seen.
                        break;
                    }
                    var recorded = ParseStreamEvent(events.Current);
                    if (recorded.Position <= last)
                    {
                        // Already seen (a server that resends the event at the resume point).
                        continue;
                    }
                    last = recorded.Position;
                    yield return recorded;
                }
            }
            droppedAt = DateTimeOffset.UtcNow;
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage?> ConnectStreamAsync(long? after, bool reconnecting, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(HttpMethod.Get, after is { } a ? $"api/stream?after={a.ToString(CultureInfo.InvariantCulture)}" : "api/stream");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (after is { } position)
        {
            request.Headers.Add("Last-Event-ID", position.ToString(CultureInfo.InvariantCulture));
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex) when (!reconnecting)
        {
            throw Unreachable(ex.Message, ex);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        if (reconnecting && (int)response.StatusCode >= 500)
        {
            // A restarting server: keep trying within the window.
            response.Dispose();
            return null;
        }
        try
        {
            await EnsureSuccessAsync(response, cancellationToken);
        }
        catch
        {
            response.Dispose();
            throw;
        }
        return response;
    }

    private static FleetEvent ParseStreamEvent(ServerSentEvent sse)
    {
        FleetEvent? recorded;
        try
        {
            recorded = JsonSerializer.Deserialize(sse.Data, FleetApiJsonContext.Default.FleetEvent);
        }
        catch (JsonException ex)
        {
            throw new FleetApiException(FleetApiError.ServerError, $"the event stream sent an event that is not a recorded event (id {sse.Id}): {ex.Message}", ex);
        }
        return recorded ?? throw new FleetApiException(FleetApiError.ServerError, $"the event stream sent an empty event (id {sse.Id})");
    }

    private HttpRequestMessage CreateRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(Server, path));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_token is not null)
        {
            // Sent on reads too: a server with Fleet:RequireTokenForReads wants it there.
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        }
        return request;
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, content, cancellationToken);
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken)
                ?? throw new FleetApiException(FleetApiError.ServerError, $"the server answered {method} /{path} with null");
        }
        catch (JsonException ex)
        {
            throw new FleetApiException(FleetApiError.ServerError, $"the server's answer to {method} /{path} does not follow the contract: {ex.Message}", ex);
        }
    }

    /// <summary>Sends the request and reads the whole answer within <see cref="RequestTimeout"/>; a failure status throws.</summary>
    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var request = CreateRequest(method, path);
        request.Content = content;
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(ex.Message, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable($"no answer within {RequestTimeout.TotalSeconds:0} s", ex);
        }
        try
        {
            await EnsureSuccessAsync(response, cancellationToken);
        }
        catch
        {
            response.Dispose();
            throw;
        }
        return response;
    }

    private FleetApiException Unreachable(string detail, Exception? inner) =>
        new(FleetApiError.Unreachable, $"cannot reach the fleet at {Server}: {detail} — is it running? set --server or FLEET_SERVER", inner);

    private async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var problem = await ReadProblemAsync(response, cancellationToken);
        var status = (int)response.StatusCode;
        var what = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}";
        throw response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new FleetApiException(
                FleetApiError.Unauthorized,
                _token is null
                    ? "the server wants an API token; set --token or FLEET_API_TOKEN"
                    : "the server rejected the API token; set --token or FLEET_API_TOKEN"),
            HttpStatusCode.NotFound => new FleetApiException(FleetApiError.NotFound, problem ?? $"not found: {what}"),
            HttpStatusCode.BadRequest or HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity => new FleetApiException(
                FleetApiError.BadRequest, $"the server refused {what}: {problem ?? $"{status} {response.ReasonPhrase}"}"),
            _ => new FleetApiException(FleetApiError.ServerError, $"the server failed {what} with {status} {response.ReasonPhrase}{(problem is null ? "" : $": {problem}")}"),
        };
    }

    /// <summary>The problem+json body as one line ("title: detail; field: error"), or the plain body's start, or null.</summary>
    private static async Task<string?> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? "";
        if (mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                if (JsonSerializer.Deserialize(body, FleetApiJsonContext.Default.ProblemDetails) is { } problem)
                {
                    var parts = new List<string>();
                    var head = (problem.Title, problem.Detail) switch
                    {
                        ({ Length: > 0 } title, { Length: > 0 } detail) => $"{title}: {detail}",
                        ({ Length: > 0 } title, _) => title,
                        (_, { Length: > 0 } detail) => detail,
                        _ => null,
                    };
                    if (head is not null)
                    {
                        parts.Add(head);
                    }
                    foreach (var (field, errors) in problem.Errors ?? [])
                    {
                        parts.Add($"{field}: {string.Join(" ", errors)}");
                    }
                    if (parts.Count > 0)
                    {
                        return string.Join("; ", parts);
                    }
                }
            }
            catch (JsonException)
            {
                // Not a problem document after all: show the body.
            }
        }
        body = body.Trim().ReplaceLineEndings(" ");
        return body.Length > 300 ? body[..300] + "…" : body;
    }
}
