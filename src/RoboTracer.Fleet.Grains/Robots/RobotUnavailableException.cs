using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Grains.Robots;

/// <summary>A command cannot go to the robot now (offline, or held by another task).</summary>
[GenerateSerializer]
public sealed class RobotUnavailableException(RobotId robot, string reason)
    : Exception($"Robot '{robot}' cannot take the command: {reason}.")
{
    /// <summary>The robot.</summary>
    [Id(0)]
    public RobotId Robot { get; } = robot;
}
