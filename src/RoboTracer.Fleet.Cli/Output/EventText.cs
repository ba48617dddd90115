using System.Globalization;
using System.Text.Json;
using RoboTracer.Fleet.Cli.Api;
using RoboTracer.Fleet.Serialization;

namespace RoboTracer.Fleet.Cli.Output;

/// <summary>
/// One-line descriptions of recorded events for people. Field names are the event records' (camelCase, as the
/// store and the API write them); a field that is missing is left out, and an unknown type shows its compact JSON.
/// </summary>
internal static class EventText
{
    private const int MaxJson = 160;

    /// <summary>True when <paramref name="recorded"/> ends task <paramref name="taskId"/>'s life (completed, failed, cancelled).</summary>
    public static bool IsTerminalFor(FleetEvent recorded, string taskId) =>
        recorded.Stream == FleetStreams.TaskPrefix + taskId && FleetEvents.TerminalTaskEventTypes.Contains(recorded.Type);

    /// <summary>The task id of a task stream, or null for other streams.</summary>
    public static string? TaskIdOf(FleetEvent recorded) =>
        recorded.Stream.StartsWith(FleetStreams.TaskPrefix, StringComparison.Ordinal) ? recorded.Stream[FleetStreams.TaskPrefix.Length..] : null;

    /// <summary>What happened, e.g. "step 1: executing 40%".</summary>
    public static string Describe(FleetEvent recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        var d = recorded.Data;
        // Steps are numbered from 1 for people, as on the dashboard; the API's stepIndex counts from 0.
        var step = StepNumber(d, "stepIndex") is { } s ? $"step {s}: " : "";
        return recorded.Type switch
        {
            "TaskSubmitted" => $"submitted \"{Text(d, "instruction")}\"{Suffix(" for robot ", Text(d, "requestedRobot"))}",
            "TaskPlanningStarted" => "planning",
            "TaskPlanned" => $"planned {StepCount(d)} steps{Suffix(" by ", Text(d, "plan", "planner"))}",
            "RobotAssigned" => $"assigned to {Text(d, "robot")}{Suffix(" from step ", StepNumber(d, "fromStep"))}",
            "RobotUnassigned" => $"robot {Text(d, "robot")} unassigned: {Text(d, "reason")}",
            "AssignedRobotDisconnected" => $"robot {Text(d, "robot")} disconnected",
            "AssignedRobotReconnected" => $"robot {Text(d, "robot")} reconnected",
            "TraceRequested" => $"{step}trace requested{Suffix(" (", Text(d, "reason"), ")")}",
            "TraceAssigned" => $"{step}trace {Text(d, "trace")} with {PointCount(d)} points to {Text(d, "robot")}",
            "StepExecutionReported" => $"{step}{Text(d, "state")?.ToLowerInvariant() ?? "executing"} {Percent(Number(d, "progress"))}",
            "StepVerificationStarted" => $"{step}verifying",
            "StepSucceeded" => $"{step}succeeded{Suffix(": ", Text(d, "detail"))}",
            "StepAttemptFailed" => $"{step}attempt failed: {Text(d, "category")}: {Text(d, "reason")}",
            "SceneChangeDetected" => $"{step}scene changed{Suffix(": ", Text(d, "change", "kind"))}",
            "StepInterrupted" => $"{step}interrupted: {Text(d, "reason")}",
            "TaskPaused" => $"paused: {Text(d, "reason")}",
            "TaskResumed" => "resumed",
            "TaskCompleted" => "completed",
            "TaskFailed" => $"failed: {Text(d, "category")}: {Text(d, "reason")}",
            "TaskCancelled" => $"cancelled{Suffix(": ", Text(d, "reason"))}",
            _ => $"{recorded.Type} {Compact(d)}",
        };
    }

    private static string Suffix(string before, string? value, string after = "") =>
        string.IsNullOrEmpty(value) ? "" : before + value + after;

    private static string Percent(double? progress) =>
        progress is { } p ? (p * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : "";

    private static int StepCount(JsonElement data) =>
        Find(data, "plan", "steps") is { ValueKind: JsonValueKind.Array } steps ? steps.GetArrayLength() : 0;

    private static int PointCount(JsonElement data)
    {
        if (Find(data, "points") is not { ValueKind: JsonValueKind.Object } points)
        {
            return 0;
        }
        foreach (var name in (string[])["points3D", "points2D"])
        {
            if (points.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0)
            {
                return list.GetArrayLength();
            }
        }
        return 0;
    }

    private static string? Text(JsonElement data, params string[] path) => Find(data, path) switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } v => v.GetRawText(),
        { ValueKind: JsonValueKind.Object or JsonValueKind.Array } v => Compact(v),
        _ => null,
    };

    /// <summary>A 0-based step index of the event as the step's number for people (index + 1).</summary>
    public static string? StepNumber(JsonElement data, string name) =>
        Number(data, name) is { } index ? (index + 1).ToString(CultureInfo.InvariantCulture) : null;

    private static double? Number(JsonElement data, string name) =>
        Find(data, name) is { ValueKind: JsonValueKind.Number } n ? n.GetDouble() : null;

    private static JsonElement? Find(JsonElement data, params string[] path)
    {
        var current = data;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }
        return current;
    }

    private static string Compact(JsonElement data)
    {
        var text = data.ValueKind == JsonValueKind.Undefined ? "" : data.GetRawText();
        return text.Length > MaxJson ? text[..MaxJson] + "…" : text;
    }
}
