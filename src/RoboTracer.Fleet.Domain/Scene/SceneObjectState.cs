using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>An object as scene memory last saw it.</summary>
/// <param name="Id">Stable id within the scene.</param>
/// <param name="Label">What it is, e.g. "red cup".</param>
/// <param name="Box">Its oriented box in the camera frame, metres.</param>
/// <param name="Confidence">Detector confidence, 0..1.</param>
/// <param name="SeenAt">When it was last observed.</param>
public sealed record SceneObjectState(string Id, string Label, OrientedBox3D Box, double Confidence, DateTimeOffset SeenAt);
