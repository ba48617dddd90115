using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Domain.Robots;

/// <summary>Where a robot is and how it is turned, in its scene's frame.</summary>
/// <param name="Position">Metres.</param>
/// <param name="Orientation">Body-to-scene rotation.</param>
public sealed record RobotPose(Point3D Position, Rotation3D Orientation);
