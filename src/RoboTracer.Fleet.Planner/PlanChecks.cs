using System.Globalization;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Robots;

namespace RoboTracer.Fleet.Planner;

/// <summary>The checks every planner applies, whoever wrote the steps: the input, the robots, the scene.</summary>
internal static class PlanChecks
{
    /// <summary>Throws when the instruction is empty or too long; returns it trimmed.</summary>
    /// <remarks>The length is checked first, before anything walks the text, so a huge instruction fails in O(1).</remarks>
    public static string ValidateInstruction(PlanningRequest request, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(request);
        var instruction = request.Instruction;
        if (instruction is not null && instruction.Length > maxLength)
        {
            throw new PlanningException(string.Create(CultureInfo.InvariantCulture,
                $"The instruction is {instruction.Length:N0} characters long; the limit is {maxLength:N0}. Split the task into shorter instructions."));
        }
        if (string.IsNullOrWhiteSpace(instruction))
        {
            throw new PlanningException("The instruction is empty: say what the robot should do, e.g. \"put the cup in the sink, then wipe the table\".");
        }
        return instruction.Trim();
    }

    /// <summary>Null when some robot can perform <paramref name="action"/>; otherwise why not.</summary>
    public static string? CapabilityError(StepAction action, int index, string stepText, IReadOnlyList<RobotCapabilities> robots)
    {
        if (robots.Any(robot => StepActions.CanPerform(robot, action)))
        {
            return null;
        }
        var required = StepActions.RequiredCapabilities(action);
        var needs = required.Count > 1 ? $" (it needs {string.Join(" and ", required.Select(v => $"'{v}'"))} on one robot)" : "";
        var offered = robots.Count == 0
            ? "no robots were offered"
            : $"the {robots.Count} robot(s) offered can: {string.Join(", ", robots.SelectMany(r => r.Actions).Select(a => a.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal))}";
        return $"no robot can '{StepActions.DisplayName(action)}'{needs}, needed by step {index + 1} (\"{stepText}\"); {offered}";
    }
}
