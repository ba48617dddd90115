using System.Text.Json.Nodes;

namespace RoboTracer.Fleet.AppHost.IntegrationTests.EndToEnd;

/// <summary>One span as the Aspire dashboard stored it.</summary>
internal sealed record DashboardSpan(string Service, string Scope, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>OTLP's SPAN_KIND_SERVER.</summary>
    public const int ServerKind = 2;
}

/// <summary>
/// Reads the spans the Aspire dashboard received from the services, through its telemetry API
/// (<c>GET /api/telemetry/spans</c>, OTLP JSON; authenticated with the AppHost's dashboard API key in <c>x-api-key</c>).
/// </summary>
internal static class DashboardTelemetry
{
    public static async Task<IReadOnlyList<DashboardSpan>> SpansAsync(Uri dashboard, string apiKey)
    {
        using var http = new HttpClient { BaseAddress = dashboard, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("x-api-key", apiKey);
        using var response = await http.GetAsync(new Uri("/api/telemetry/spans?limit=100000", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // No resource has sent a span yet.
            return [];
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET /api/telemetry/spans answered {(int)response.StatusCode}: {body}");
        }
        var spans = new List<DashboardSpan>();
        Collect(JsonNode.Parse(body), spans);
        return spans;
    }

    /// <summary>Finds every <c>resourceSpans</c> array in the answer, wherever the API's envelope puts it.</summary>
    private static void Collect(JsonNode? node, List<DashboardSpan> spans)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "resourceSpans" && value is JsonArray resources)
                    {
                        foreach (var resource in resources.OfType<JsonObject>())
                        {
                            Read(resource, spans);
                        }
                    }
                    else
                    {
                        Collect(value, spans);
                    }
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, spans);
                }
                break;
        }
    }

    private static void Read(JsonObject resource, List<DashboardSpan> spans)
    {
        var service = Attributes(resource["resource"]?["attributes"]).GetValueOrDefault("service.name", "");
        foreach (var scopeSpans in (resource["scopeSpans"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var scope = scopeSpans["scope"]?["name"]?.GetValue<string>() ?? "";
            foreach (var span in (scopeSpans["spans"] as JsonArray ?? []).OfType<JsonObject>())
            {
                spans.Add(new DashboardSpan(
                    service,
                    scope,
                    span["traceId"]?.GetValue<string>() ?? "",
                    span["spanId"]?.GetValue<string>() ?? "",
                    span["parentSpanId"]?.GetValue<string>() ?? "",
                    span["name"]?.GetValue<string>() ?? "",
                    span["kind"] is JsonValue kind && kind.TryGetValue<int>(out var k) ? k : 0,
                    Attributes(span["attributes"])));
            }
        }
    }

    private static Dictionary<string, string> Attributes(JsonNode? attributes)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in (attributes as JsonArray ?? []).OfType<JsonObject>())
        {
            if (attribute["key"]?.GetValue<string>() is { } key && attribute["value"] is JsonObject value && value.FirstOrDefault() is { Value: JsonValue scalar })
            {
                result[key] = scalar.ToString();
            }
        }
        return result;
    }
}
