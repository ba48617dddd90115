namespace RoboTracer.Fleet.Cli.Api;

/// <summary>Answer of <c>POST /api/tasks</c>: 202 {"taskId"}.</summary>
internal sealed record SubmitTaskResponse(string TaskId);
