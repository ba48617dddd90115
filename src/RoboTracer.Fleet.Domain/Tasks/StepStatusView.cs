using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Planning;

namespace RoboTracer.Fleet.Domain.Tasks;

/// <summary>One step as callers see it.</summary>
/// <param name="Index">Position in the plan.</param>
/// <param name="Action">The verb.</param>
/// <param name="Instruction">The trace instruction.</param>
/// <param name="Phase">Where it is.</param>
/// <param name="Attempts">Failed attempts.</param>
/// <param name="Replacements">Traces replaced after scene changes.</param>
/// <param name="Trace">The current trace.</param>
/// <param name="Robot">The robot executing it.</param>
/// <param name="Progress">Fraction of the current trace followed.</param>
/// <param name="LastFailure">The last failure in words.</param>
/// <param name="ObjectId">The scene object the step moves: bound by the plan, or by the task before tracing; null until bound.</param>
/// <param name="DestinationId">The scene object its destination is, likewise.</param>
public sealed record StepStatusView(
    int Index,
    StepAction Action,
    string Instruction,
    StepPhase Phase,
    int Attempts,
    int Replacements,
    TraceId? Trace,
    RobotId? Robot,
    double Progress,
    string? LastFailure,
    string? ObjectId = null,
    string? DestinationId = null);
