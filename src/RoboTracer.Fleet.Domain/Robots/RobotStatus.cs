using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Domain.Robots;

/// <summary>A robot as callers see it: an immutable copy of its state.</summary>
/// <param name="Id">The robot.</param>
/// <param name="IsRegistered">False for an id no robot ever registered under.</param>
/// <param name="Capabilities">What it declared.</param>
/// <param name="Scene">Where it works.</param>
/// <param name="Connection">Whether it is connected.</param>
/// <param name="LastHeartbeat">When this node last heard from it (not persisted: after a restart, the restart time).</param>
/// <param name="Battery">Charge, 0..1.</param>
/// <param name="Pose">Last recorded pose.</param>
/// <param name="ReservedBy">The task holding it.</param>
/// <param name="CurrentStep">The trace it executes.</param>
/// <param name="Version">Its stream's version.</param>
public sealed record RobotStatus(
    RobotId Id,
    bool IsRegistered,
    RobotCapabilities? Capabilities,
    SceneId? Scene,
    RobotConnection Connection,
    DateTimeOffset? LastHeartbeat,
    double? Battery,
    RobotPose? Pose,
    TaskId? ReservedBy,
    RobotStepStatus? CurrentStep,
    long Version)
{
    /// <summary>Registered, online and held by no task.</summary>
    public bool IsAvailable => IsRegistered && Connection == RobotConnection.Online && ReservedBy is null;
}
