using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Domain.Tasks;

/// <summary>A user's request: one long-horizon instruction, optionally for a given robot or scene.</summary>
/// <param name="Instruction">What to do, e.g. "put the cup in the sink, then wipe the table".</param>
/// <param name="Robot">The robot to use; when given it wins over the fleet's choice.</param>
/// <param name="Scene">The scene to work in; by default the requested robot's, or the assigned robot's.</param>
public sealed record TaskSubmission(string Instruction, RobotId? Robot = null, SceneId? Scene = null)
{
    /// <summary>The longest instruction, in characters. Long-horizon, not a novel: a planner prompt stays small.</summary>
    public const int MaxInstructionLength = 4000;

    /// <summary>What is wrong with the submission, or null when it may be planned. Cheap: checked before planning.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Instruction))
        {
            return "the instruction is empty";
        }
        if (Instruction.Length > MaxInstructionLength)
        {
            return $"the instruction is {Instruction.Length} characters long; at most {MaxInstructionLength} are allowed";
        }
        if (Instruction.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            return "the instruction contains control characters";
        }
        return null;
    }
}
