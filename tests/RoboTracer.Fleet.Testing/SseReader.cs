using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace RoboTracer.Fleet.Testing;

/// <summary>One server-sent event.</summary>
public sealed record SseEvent(string? Id, string? Event, JsonNode Data);

/// <summary>Reads <c>GET /api/stream</c> as a browser's EventSource would (the parts we use: id, event, data).</summary>
public static class SseReader
{
    public static async IAsyncEnumerable<SseEvent> ReadAsync(HttpClient client, string path, string? lastEventId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        string? id = null, type = null, data = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    yield return new SseEvent(id, type, JsonNode.Parse(data)!);
                }
                (type, data) = (null, null);
                continue;
            }
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = data is null ? line[6..] : data + "\n" + line[6..];
            }
        }
    }
}
