using RoboTracer.Fleet.Domain.Planning;

namespace RoboTracer.Fleet.Planner.Rules;

/// <summary>A clause read into its parts; words are still the user's, pronouns not yet resolved.</summary>
/// <param name="Action">The action its verb names.</param>
/// <param name="Verb">The verb as written ("put", "pick up"), for messages and for repeating it.</param>
/// <param name="Text">The clause as written, for messages.</param>
/// <param name="Object">What is acted on: for pour, what is poured; for wipe, the surface.</param>
/// <param name="Source">Where the object comes from ("from the table", "out of the sink"), when said.</param>
/// <param name="Relation">How the object ends up relative to <paramref name="Destination"/>.</param>
/// <param name="Destination">Where it ends up, when said.</param>
/// <param name="Direction">A direction without a destination ("to the left", "10 cm forward").</param>
/// <param name="Tool">The wiping tool, when said ("with the cloth").</param>
/// <param name="There">True for "put it there": the previous step's destination.</param>
internal sealed record ParsedClause(
    StepAction Action,
    string Verb,
    string Text,
    IReadOnlyList<string> Object,
    IReadOnlyList<string>? Source,
    SpatialRelation? Relation,
    IReadOnlyList<string>? Destination,
    string? Direction,
    IReadOnlyList<string>? Tool,
    bool There)
{
    /// <summary>True when the clause says where the object goes.</summary>
    public bool HasTarget => Destination is not null || Direction is not null || There;
}
