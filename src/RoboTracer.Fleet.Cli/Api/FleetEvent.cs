using System.Text.Json;

namespace RoboTracer.Fleet.Cli.Api;

/// <summary>
/// A recorded event as <c>/api/tasks/{id}/events</c> lists it and <c>/api/stream</c> sends it (CONTRACT.md); the
/// same object is one line of a replay export.
/// </summary>
internal sealed record FleetEvent(long Position, long Version, string Stream, string Type, DateTimeOffset RecordedAt, JsonElement Data);
