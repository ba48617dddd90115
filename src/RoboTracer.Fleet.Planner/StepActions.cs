using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Tasks;

namespace RoboTracer.Fleet.Planner;

/// <summary>
/// Names of <see cref="StepAction"/> values: the JSON wire name the LLM planner uses, the words users read, and the
/// capability verbs a robot must declare (<see cref="RobotCapabilities.Actions"/>) to perform the action, which
/// <see cref="StepRequirements"/> defines for planners and task grains alike.
/// </summary>
public static class StepActions
{
    /// <summary>Every action, in declaration order.</summary>
    public static IReadOnlyList<StepAction> All { get; } = Enum.GetValues<StepAction>();

    /// <summary>The snake_case wire name: <c>pick_and_place</c>, <c>push</c>, <c>wipe</c>, <c>open</c>, <c>close</c>, <c>pour</c>.</summary>
    public static string WireName(StepAction action) => action switch
    {
        StepAction.PickAndPlace => "pick_and_place",
        _ => action.ToString().ToLowerInvariant(),
    };

    /// <summary>The action in words, as error messages say it: "pick and place", "pour".</summary>
    public static string DisplayName(StepAction action) => WireName(action).Replace('_', ' ');

    /// <summary>The capability verbs a robot must declare, all of them, to perform <paramref name="action"/>.</summary>
    public static IReadOnlyList<string> RequiredCapabilities(StepAction action) => StepRequirements.RequiredActions(action);

    /// <summary>True when <paramref name="robot"/> declares every verb <paramref name="action"/> needs.</summary>
    public static bool CanPerform(RobotCapabilities robot, StepAction action)
    {
        ArgumentNullException.ThrowIfNull(robot);
        return StepRequirements.RequiredActions(action).All(robot.CanPerform);
    }

    /// <summary>
    /// Parses a wire or display name leniently: case, spaces, '_' and '-' are ignored, so "pick_and_place",
    /// "PickAndPlace" and "pick-and-place" all name <see cref="StepAction.PickAndPlace"/>.
    /// </summary>
    public static bool TryParse(string? text, out StepAction action)
    {
        action = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var squashed = string.Concat(text.Where(char.IsLetter)).ToLowerInvariant();
        foreach (var candidate in All)
        {
            if (candidate.ToString().Equals(squashed, StringComparison.OrdinalIgnoreCase))
            {
                action = candidate;
                return true;
            }
        }
        return false;
    }
}
