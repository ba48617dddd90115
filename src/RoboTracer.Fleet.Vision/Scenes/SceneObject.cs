using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision.Scenes;

/// <summary>An object on the table: a coloured box with a name people use for it.</summary>
/// <param name="Label">What an instruction calls it, e.g. "red cup"; unique within a scene.</param>
/// <param name="Color">Its base colour before lighting.</param>
/// <param name="Box">Its box in the world frame (metres, z up, table top at z = 0).</param>
public sealed record SceneObject(string Label, Rgb8 Color, OrientedBox3D Box);
