using RoboTracer.Fleet.Domain.Planning;

namespace RoboTracer.Fleet.Planner.Rules;

/// <summary>One step before checks: resolved noun phrases ("the red cup"), one object.</summary>
/// <param name="Action">The verb.</param>
/// <param name="Object">What moves: the object, the wiped surface, the opened thing, the container poured from.</param>
/// <param name="Source">Where the object is picked from, when said.</param>
/// <param name="Relation">Relation to <paramref name="Destination"/>.</param>
/// <param name="Destination">Where it ends up.</param>
/// <param name="DirectionOnly">A direction without destination ("to the left").</param>
/// <param name="Tool">The wiping tool.</param>
/// <param name="ToolNamed">True when the instruction named the tool (so the scene must show it).</param>
/// <param name="Contents">What is poured, when the container is named apart ("the water" from "the jug").</param>
internal sealed record StepDraft(
    StepAction Action,
    string Object,
    string? Source,
    SpatialRelation? Relation,
    string? Destination,
    string? DirectionOnly,
    string? Tool,
    bool ToolNamed,
    string? Contents)
{
    /// <summary>The step's <see cref="PlannedStep.Direction"/>.</summary>
    public string? Direction => Relation is { } relation ? relation.Direction() : DirectionOnly;

    /// <summary>The instruction for the trace model, in RoboTracer's phrasing.</summary>
    public string TraceInstruction()
    {
        return Action switch
        {
            StepAction.PickAndPlace => Destination is not null
                ? $"{Pick()} and {(Relation is SpatialRelation.To or SpatialRelation.Towards ? "move" : "place")} it {Relation!.Value.Text()} {Destination}"
                : $"{Pick()} and move it {DirectionOnly}",
            StepAction.Push => Destination is not null
                ? $"push {Object} {Relation!.Value.Text()} {Destination}"
                : $"push {Object} {DirectionOnly}",
            StepAction.Wipe => $"wipe {Object} with {Tool}",
            StepAction.Open => $"open {Object}",
            StepAction.Close => $"close {Object}",
            StepAction.Pour => Contents is not null
                ? $"pour {Contents} from {Object} {PourRelation()} {Destination}"
                : $"pour {Object} {PourRelation()} {Destination}",
            _ => throw new InvalidOperationException($"Unknown action {Action}."),
        };

        string Pick() => Source is null ? $"pick up {Object}" : $"pick up {Object} from {Source}";
    }

    /// <summary>How the step is verified.</summary>
    public SuccessCheck SuccessCheck() => Action switch
    {
        StepAction.PickAndPlace or StepAction.Push when Destination is not null && Relation is not SpatialRelation.Towards
            => new SuccessCheck(SuccessCheckKind.ObjectAtDestination, $"{Object} is {Relation!.Value.AtText()} {Destination}"),
        StepAction.PickAndPlace or StepAction.Push when Destination is not null
            => new SuccessCheck(SuccessCheckKind.ObjectMoved, $"{Object} has moved towards {Destination}"),
        StepAction.PickAndPlace or StepAction.Push
            => new SuccessCheck(SuccessCheckKind.ObjectMoved, $"{Object} has moved {DirectionOnly}"),
        StepAction.Wipe => new SuccessCheck(SuccessCheckKind.RobotReport, $"the robot reports {Object} wiped with {Tool}"),
        StepAction.Open => new SuccessCheck(SuccessCheckKind.ObjectMoved, $"{Object} is open: scene memory sees it moved from where it was"),
        StepAction.Close => new SuccessCheck(SuccessCheckKind.ObjectMoved, $"{Object} is closed: scene memory sees it moved from where it was"),
        StepAction.Pour => new SuccessCheck(SuccessCheckKind.RobotReport, $"the robot reports {Contents ?? Object} poured {PourRelation()} {Destination}"),
        _ => throw new InvalidOperationException($"Unknown action {Action}."),
    };

    private string PourRelation() => Relation switch
    {
        null or SpatialRelation.In or SpatialRelation.Inside or SpatialRelation.To or SpatialRelation.At => "into",
        SpatialRelation.On => "onto",
        { } relation => relation.Text(),
    };
}
