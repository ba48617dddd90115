namespace RoboTracer.Fleet.Domain.Planning;

/// <summary>An instruction decomposed into ordered steps.</summary>
/// <param name="Steps">The steps, in execution order; never empty.</param>
/// <param name="Planner">Which planner produced it ("rule", "llm:model-name").</param>
/// <param name="Notes">What the planner wants people to know: fallbacks taken, assumptions made.</param>
public sealed record Plan(IReadOnlyList<PlannedStep> Steps, string Planner, IReadOnlyList<string> Notes);
