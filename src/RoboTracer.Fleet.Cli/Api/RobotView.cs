using System.Text.Json;

namespace RoboTracer.Fleet.Cli.Api;

/// <summary>A robot as <c>GET /api/robots</c> returns it (CONTRACT.md); the pose stays JSON.</summary>
internal sealed record RobotView(
    string Id,
    string? Kind,
    string? SceneId,
    string? Connection,
    DateTimeOffset? LastHeartbeat,
    double? Battery,
    JsonElement? Pose,
    string? ReservedBy,
    RobotStepView? CurrentStep);
