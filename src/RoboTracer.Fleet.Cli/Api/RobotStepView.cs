namespace RoboTracer.Fleet.Cli.Api;

/// <summary>The step a robot is executing, in a <see cref="RobotView"/>.</summary>
internal sealed record RobotStepView(string TaskId, int StepIndex, string? TraceId, string? State, double? Progress);
