using System.Runtime.CompilerServices;
using System.Text;

namespace RoboTracer.Fleet.Cli.Api;

/// <summary>
/// Reads <c>text/event-stream</c> as the HTML Living Standard's "interpreting an event stream" says: fields up to a
/// blank line make one event; <c>data</c> lines join with "\n"; a line starting with ':' is a comment (keep-alive);
/// an event with no data is not dispatched; <c>id</c> persists until changed.
/// </summary>
internal static class ServerSentEventReader
{
    public static async IAsyncEnumerable<ServerSentEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        string? lastId = null;
        var type = "";
        var data = new StringBuilder();
        var hasData = false;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (hasData)
                {
                    yield return new ServerSentEvent(lastId, type.Length == 0 ? "message" : type, data.ToString());
                }
                type = "";
                data.Clear();
                hasData = false;
                continue;
            }
            if (line[0] == ':')
            {
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }
            switch (field)
            {
                case "data":
                    if (hasData)
                    {
                        data.Append('\n');
                    }
                    data.Append(value);
                    hasData = true;
                    break;
                case "event":
                    type = value;
                    break;
                case "id" when !value.Contains('\0', StringComparison.Ordinal):
                    lastId = value;
                    break;
                default:
                    // "retry" and unknown fields: nothing to do for a reader that reconnects on its own terms.
                    break;
            }
        }
    }
}
