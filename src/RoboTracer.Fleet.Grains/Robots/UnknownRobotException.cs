using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Grains.Robots;

/// <summary>No robot ever registered under the id.</summary>
[GenerateSerializer]
public sealed class UnknownRobotException(RobotId robot)
    : Exception($"Robot '{robot}' is not registered: no robot with that id has connected to the fleet.")
{
    /// <summary>The id asked for.</summary>
    [Id(0)]
    public RobotId Robot { get; } = robot;
}
