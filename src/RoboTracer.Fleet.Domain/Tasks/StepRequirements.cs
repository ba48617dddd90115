using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Robots;

namespace RoboTracer.Fleet.Domain.Tasks;

/// <summary>Which declared robot actions (<see cref="RobotCapabilities.Actions"/>) each step action needs.</summary>
public static class StepRequirements
{
    /// <summary>The action verbs a robot must declare to execute <paramref name="action"/>.</summary>
    public static IReadOnlyList<string> RequiredActions(StepAction action) => action switch
    {
        StepAction.PickAndPlace => ["pick", "place"],
        StepAction.Push => ["push"],
        StepAction.Wipe => ["wipe"],
        StepAction.Open => ["open"],
        StepAction.Close => ["close"],
        StepAction.Pour => ["pour"],
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "unknown step action"),
    };

    /// <summary>
    /// The first of <paramref name="steps"/> that a robot with <paramref name="capabilities"/> cannot execute, and
    /// the verb it lacks; null when it can execute them all.
    /// </summary>
    public static (PlannedStep Step, string Action)? FirstUnmet(RobotCapabilities capabilities, IEnumerable<PlannedStep> steps)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        ArgumentNullException.ThrowIfNull(steps);
        foreach (var step in steps)
        {
            foreach (var action in RequiredActions(step.Action))
            {
                if (!capabilities.CanPerform(action))
                {
                    return (step, action);
                }
            }
        }
        return null;
    }
}
