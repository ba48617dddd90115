using System.Text.Json;

namespace RoboTracer.Fleet.Cli.Api;

/// <summary>One step of a <see cref="TaskView"/>. lastFailure's shape is not fixed by the contract, so it stays JSON.</summary>
internal sealed record StepView(
    int Index,
    string? Action,
    string? Instruction,
    string Phase,
    int Attempts,
    int Replacements,
    string? TraceId,
    string? RobotId,
    double? Progress,
    JsonElement? LastFailure);
