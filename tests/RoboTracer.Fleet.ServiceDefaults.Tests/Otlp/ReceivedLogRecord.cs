namespace RoboTracer.Fleet.ServiceDefaults.Tests.Otlp;

/// <summary>A log record as exported: service.name, body (when a string) and string attributes.</summary>
internal sealed record ReceivedLogRecord(string ServiceName, string Body, IReadOnlyDictionary<string, string> Attributes);
