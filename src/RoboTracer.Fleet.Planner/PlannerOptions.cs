namespace RoboTracer.Fleet.Planner;

/// <summary>Limits and defaults every planner applies (configuration section <c>Planner</c>).</summary>
public sealed class PlannerOptions
{
    /// <summary>Longest instruction accepted, in characters. Default 2,000: a long-horizon task, not a document.</summary>
    public int MaxInstructionLength { get; set; } = 2000;

    /// <summary>Most steps in one plan. Default 20.</summary>
    public int MaxSteps { get; set; } = 20;

    /// <summary>The tool a wipe step uses when the instruction names none and the scene shows none. Default "the sponge".</summary>
    public string DefaultWipeTool { get; set; } = "the sponge";
}
