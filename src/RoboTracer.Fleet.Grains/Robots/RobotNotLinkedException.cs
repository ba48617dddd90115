using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Grains.Robots;

/// <summary>
/// The robot is online but its grain does not know its link yet: the grain was just activated on another silo
/// (its former silo died) and the robot's next heartbeat brings the link. Nothing went to the robot; try again.
/// </summary>
[GenerateSerializer]
public sealed class RobotNotLinkedException(RobotId robot)
    : Exception($"Robot '{robot}' is online but its link is not known here yet; it comes with the robot's next heartbeat.")
{
    /// <summary>The robot.</summary>
    [Id(0)]
    public RobotId Robot { get; } = robot;
}
