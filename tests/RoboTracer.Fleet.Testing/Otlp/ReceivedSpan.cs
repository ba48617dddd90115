namespace RoboTracer.Fleet.Testing.Otlp;

/// <summary>A span as exported: its resource's service.name, its instrumentation scope, name, kind and string attributes.</summary>
public sealed record ReceivedSpan(string ServiceName, string Scope, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>SPAN_KIND_SERVER in trace.proto.</summary>
    public const int ServerKind = 2;
}
