namespace RoboTracer.Fleet.Testing.Otlp;

/// <summary>
/// A span as exported: its resource's service.name, its instrumentation scope, name, kind, string attributes, and
/// its trace, own and parent span ids as lower-case hex (the parent "" for a root).
/// </summary>
public sealed record ReceivedSpan(string ServiceName, string Scope, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes, string TraceId, string SpanId, string ParentSpanId)
{
    /// <summary>SPAN_KIND_SERVER in trace.proto.</summary>
    public const int ServerKind = 2;
}
