namespace RoboTracer.Fleet.Cli.Api;

/// <summary>
/// A task as <c>GET /api/tasks/{id}</c> returns it (CONTRACT.md). Phases stay strings (the enum names): a CLI
/// built before a new phase existed should still list such tasks.
/// </summary>
internal sealed record TaskView(
    string Id,
    string Instruction,
    string Phase,
    string? RobotId,
    string? SceneId,
    int? CurrentStep,
    IReadOnlyList<StepView>? Steps,
    string? FailureCategory,
    string? FailureReason,
    string? Planner,
    DateTimeOffset SubmittedAt,
    DateTimeOffset UpdatedAt,
    long Version);
