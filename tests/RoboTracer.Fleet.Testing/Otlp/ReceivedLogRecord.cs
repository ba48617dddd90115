namespace RoboTracer.Fleet.Testing.Otlp;

/// <summary>A log record as exported: service.name, body (when a string) and string attributes.</summary>
public sealed record ReceivedLogRecord(string ServiceName, string Body, IReadOnlyDictionary<string, string> Attributes);
