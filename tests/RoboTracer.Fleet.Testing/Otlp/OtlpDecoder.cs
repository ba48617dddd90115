namespace RoboTracer.Fleet.Testing.Otlp;

/// <summary>
/// Decodes the OTLP export requests (opentelemetry-proto collector/*/v1): each holds Resource{Spans|Metrics|Logs} at
/// field 1, each of those a Resource at 1 and Scope{Spans|Metrics|Logs} at 2, each of those an InstrumentationScope
/// at 1 and its items at 2. A Resource's attributes are KeyValue at 1; KeyValue is key 1, AnyValue 2; AnyValue's
/// string_value is 1. Span: trace_id 1, span_id 2, parent_span_id 4, name 5, kind 6, attributes 9. Metric: name 1.
/// LogRecord: body 5, attributes 6.
/// </summary>
public static class OtlpDecoder
{
    public static IEnumerable<ReceivedSpan> Spans(ReadOnlyMemory<byte> request) =>
        Items(request, (service, scope, span) => new ReceivedSpan(service, scope, ProtoReader.String(span, 5), (int)ProtoReader.Varint(span, 6), Attributes(span, 9),
            Hex(span, 1), Hex(span, 2), Hex(span, 4)));

    public static IEnumerable<ReceivedMetric> Metrics(ReadOnlyMemory<byte> request) =>
        Items(request, (service, scope, metric) => new ReceivedMetric(service, scope, ProtoReader.String(metric, 1)));

    public static IEnumerable<ReceivedLogRecord> Logs(ReadOnlyMemory<byte> request) =>
        Items(request, (service, _, log) => new ReceivedLogRecord(service, ProtoReader.String(ProtoReader.Message(log, 5), 1), Attributes(log, 6)));

    private static IEnumerable<T> Items<T>(ReadOnlyMemory<byte> request, Func<string, string, ReadOnlyMemory<byte>, T> item)
    {
        foreach (var resourceGroup in ProtoReader.Messages(request, 1))
        {
            var resource = Attributes(ProtoReader.Message(resourceGroup, 1), 1);
            var service = resource.GetValueOrDefault("service.name", "");
            foreach (var scopeGroup in ProtoReader.Messages(resourceGroup, 2))
            {
                var scope = ProtoReader.String(ProtoReader.Message(scopeGroup, 1), 1);
                foreach (var entry in ProtoReader.Messages(scopeGroup, 2))
                {
                    yield return item(service, scope, entry);
                }
            }
        }
    }

    private static string Hex(ReadOnlyMemory<byte> message, int fieldNumber) => Convert.ToHexStringLower(ProtoReader.Message(message, fieldNumber).Span);

    private static Dictionary<string, string> Attributes(ReadOnlyMemory<byte> message, int fieldNumber)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in ProtoReader.Messages(message, fieldNumber))
        {
            var value = ProtoReader.Message(keyValue, 2);
            // Only string values are kept; the tests look at names and paths.
            if (ProtoReader.Fields(value).Any(f => f.Number == 1))
            {
                attributes[ProtoReader.String(keyValue, 1)] = ProtoReader.String(value, 1);
            }
        }
        return attributes;
    }
}
