namespace RoboTracer.Fleet.Domain.Robots;

/// <summary>A robot's periodic sign of life, with what it knows about itself.</summary>
/// <param name="Battery">Charge, 0..1, when known.</param>
/// <param name="Pose">Where it is, when known.</param>
public sealed record RobotHeartbeat(double? Battery = null, RobotPose? Pose = null);
