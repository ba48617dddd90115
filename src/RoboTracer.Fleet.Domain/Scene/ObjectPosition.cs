using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>Where an object's box centre was at one moment: the baseline a watch compares against.</summary>
/// <param name="ObjectId">The object.</param>
/// <param name="Center">Its box centre, metres.</param>
public sealed record ObjectPosition(string ObjectId, Point3D Center);
