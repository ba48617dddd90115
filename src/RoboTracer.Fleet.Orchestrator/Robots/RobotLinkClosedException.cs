using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Orchestrator.Robots;

/// <summary>A command could not be sent: the robot has no live link (never connected, disconnected or replaced).</summary>
internal sealed class RobotLinkClosedException(RobotId robot, Exception? inner = null)
    : Exception($"robot '{robot}' has no live link to the orchestrator", inner);
