using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Grains.Robots;

/// <summary>The list of robots that ever registered (one grain, key <see cref="RobotDirectoryGrain.Key"/>; stream <c>fleet-robot-index</c>).</summary>
public interface IRobotDirectoryGrain : IGrainWithStringKey
{
    /// <summary>Adds a robot; adding it again does nothing.</summary>
    Task AddAsync(RobotId robot);

    /// <summary>Every robot, in registration order.</summary>
    Task<IReadOnlyList<RobotId>> GetRobotsAsync();
}
