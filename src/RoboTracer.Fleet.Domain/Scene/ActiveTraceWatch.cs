using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>A watch scene memory keeps.</summary>
/// <param name="Watch">What the task asked for.</param>
/// <param name="Baseline">Object centres when it started.</param>
/// <param name="Triggered">The change it fired on, or null while armed.</param>
/// <param name="StartedAt">When it started.</param>
public sealed record ActiveTraceWatch(TraceWatch Watch, IReadOnlyDictionary<string, Point3D> Baseline, SceneChange? Triggered, DateTimeOffset StartedAt);
