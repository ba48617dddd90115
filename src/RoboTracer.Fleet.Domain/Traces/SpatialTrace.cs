using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Domain.Traces;

/// <summary>
/// A spatial trace as the inference pool returns it: ordered waypoints for the object to follow, 3D in metres
/// in the camera frame and 2D in pixels of the request image (DESIGN.md §5).
/// </summary>
/// <param name="Points3D">3D waypoints, metres, camera frame (x right, y down, z forward).</param>
/// <param name="Points2D">2D waypoints, pixels of the request image; may be empty.</param>
/// <param name="Backend">The backend that made it ("geometric", "robotracer-http", ...).</param>
/// <param name="Model">The model name, when the backend has one.</param>
/// <param name="RequestId">The pool's request id, for logs.</param>
/// <param name="WorkerMs">
/// Milliseconds the request spent in the pool worker, queued and then in the model's batch, as the worker reported
/// it: the model's share of the time to a trace, the rest being the fleet's.
/// </param>
public sealed record SpatialTrace(
    IReadOnlyList<Point3D> Points3D,
    IReadOnlyList<Point2D> Points2D,
    string? Backend = null,
    string? Model = null,
    string? RequestId = null,
    double? WorkerMs = null);
