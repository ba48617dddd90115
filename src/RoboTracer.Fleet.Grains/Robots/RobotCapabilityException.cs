using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Grains.Robots;

/// <summary>The requested robot cannot perform an action the plan needs.</summary>
[GenerateSerializer]
public sealed class RobotCapabilityException(RobotId robot, string action, int stepIndex, string stepInstruction, IEnumerable<string> declared)
    : Exception($"Robot '{robot}' cannot '{action}', which step {stepIndex + 1} ('{stepInstruction}') needs; it declares {string.Join(", ", declared.Order(StringComparer.Ordinal))}.")
{
    /// <summary>The robot.</summary>
    [Id(0)]
    public RobotId Robot { get; } = robot;

    /// <summary>The action it lacks.</summary>
    [Id(1)]
    public string Action { get; } = action;

    /// <summary>The first step that needs it.</summary>
    [Id(2)]
    public int StepIndex { get; } = stepIndex;
}
