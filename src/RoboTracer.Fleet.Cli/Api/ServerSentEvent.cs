namespace RoboTracer.Fleet.Cli.Api;

/// <summary>One dispatched server-sent event: its id (the last one seen, as the spec carries it forward), type and data.</summary>
internal sealed record ServerSentEvent(string? Id, string Type, string Data);
