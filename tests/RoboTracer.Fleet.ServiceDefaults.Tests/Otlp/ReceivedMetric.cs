namespace RoboTracer.Fleet.ServiceDefaults.Tests.Otlp;

/// <summary>A metric as exported: service.name, meter (scope) and instrument name.</summary>
internal sealed record ReceivedMetric(string ServiceName, string Meter, string Name);
