using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Tasks;

namespace RoboTracer.Fleet.Orchestrator.Api;

/// <summary>The body of <c>POST /api/tasks</c>.</summary>
/// <param name="Instruction">The long-horizon instruction.</param>
/// <param name="RobotId">A robot to run it on; omitted: the fleet chooses.</param>
public sealed record SubmitTaskRequest(string? Instruction, string? RobotId);

/// <summary>The answer to <c>POST /api/tasks</c>.</summary>
public sealed record SubmitTaskResponse(string TaskId);

/// <summary>A task as the API shows it.</summary>
public sealed record TaskView(
    string Id,
    string Instruction,
    TaskPhase Phase,
    string? RobotId,
    string? SceneId,
    int CurrentStep,
    IReadOnlyList<StepView> Steps,
    FailureCategory? FailureCategory,
    string? FailureReason,
    string? Planner,
    DateTimeOffset SubmittedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    /// <summary>The API's view of a task grain's status.</summary>
    public static TaskView From(TaskStatusView task) => new(
        task.Id.Value,
        task.Instruction,
        task.Phase,
        task.Robot?.Value,
        task.Scene?.Value,
        task.CurrentStep,
        task.Steps.Select(s => new StepView(s.Index, s.Action.ToString(), s.Instruction, s.Phase, s.Attempts, s.Replacements, s.Trace?.Value, s.Robot?.Value, s.Progress, s.LastFailure, s.ObjectId, s.DestinationId)).ToList(),
        task.FailureCategory,
        task.FailureReason,
        task.Planner,
        task.SubmittedAt,
        task.UpdatedAt,
        task.Version);
}

/// <summary>A step as the API shows it.</summary>
public sealed record StepView(int Index, string Action, string Instruction, StepPhase Phase, int Attempts, int Replacements, string? TraceId, string? RobotId, double Progress, string? LastFailure, string? ObjectId, string? DestinationId);

/// <summary>A robot as the API shows it.</summary>
public sealed record RobotView(
    string Id,
    RobotKind? Kind,
    string? SceneId,
    RobotConnection Connection,
    DateTimeOffset? LastHeartbeat,
    double? Battery,
    PoseView? Pose,
    string? ReservedBy,
    RobotStepView? CurrentStep,
    IReadOnlyList<string> Actions)
{
    /// <summary>The API's view of a robot grain's status.</summary>
    public static RobotView From(RobotStatus robot) => new(
        robot.Id.Value,
        robot.Capabilities?.Kind,
        robot.Scene?.Value,
        robot.Connection,
        robot.LastHeartbeat,
        robot.Battery,
        robot.Pose is { } pose ? new PoseView(pose.Position.X, pose.Position.Y, pose.Position.Z) : null,
        robot.ReservedBy?.Value,
        robot.CurrentStep is { } step ? new RobotStepView(step.Task.Value, step.StepIndex, step.Trace.Value, step.State, step.Progress) : null,
        robot.Capabilities?.Actions.Order(StringComparer.Ordinal).ToList() ?? []);
}

/// <summary>A robot's position, metres.</summary>
public sealed record PoseView(double X, double Y, double Z);

/// <summary>The trace a robot executes.</summary>
public sealed record RobotStepView(string TaskId, int StepIndex, string TraceId, RobotStepState? State, double Progress);

/// <summary>
/// A recorded event as <c>/api/tasks/{id}/events</c> and the stream show it; <see cref="EventJson"/> writes it straight
/// from the store, and this type gives the shape its OpenAPI schema.
/// </summary>
/// <param name="Position">The event's place in the whole store (the stream's <c>after</c>, SSE <c>id</c>).</param>
/// <param name="Version">The event's place in its stream, from 1.</param>
/// <param name="Stream">The stream, e.g. <c>task-{id}</c> or <c>robot-{id}</c>.</param>
/// <param name="Type">The event's type, e.g. <c>TraceAssigned</c>.</param>
/// <param name="RecordedAt">When the store recorded it.</param>
/// <param name="Data">The event's own fields, as stored (camelCase; which fields depends on <paramref name="Type"/>).</param>
public sealed record EventView(long Position, long Version, string Stream, string Type, DateTimeOffset RecordedAt, System.Text.Json.JsonElement Data);
