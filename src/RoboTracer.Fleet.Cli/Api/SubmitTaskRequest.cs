namespace RoboTracer.Fleet.Cli.Api;

/// <summary>Body of <c>POST /api/tasks</c> (CONTRACT.md); robotId is left out when null.</summary>
internal sealed record SubmitTaskRequest(string Instruction, string? RobotId);
