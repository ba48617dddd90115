namespace RoboTracer.Fleet.Testing.Otlp;

/// <summary>A metric as exported: service.name, meter (scope) and instrument name.</summary>
public sealed record ReceivedMetric(string ServiceName, string Meter, string Name);
