using System.Globalization;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Scene;

namespace RoboTracer.Fleet.Domain.Traces;

/// <summary>
/// The last gate before a trace reaches a robot: every waypoint finite, inside the robot's workspace and (2D)
/// inside the image. A model can answer NaN or a point behind the wall; a robot must never be asked to go there.
/// </summary>
public static class TraceValidator
{
    /// <summary>The most waypoints a trace may have.</summary>
    public const int MaxPoints = 4096;

    /// <summary>
    /// What is wrong with <paramref name="trace"/> for a robot with <paramref name="workspace"/> (null: unbounded),
    /// or null when it may be executed.
    /// </summary>
    /// <param name="trace">The trace.</param>
    /// <param name="workspace">The robot's reachable box, camera frame, metres.</param>
    /// <param name="intrinsics">The request image's intrinsics, to bound the 2D points; null skips that check.</param>
    /// <param name="workspaceTolerance">How far outside the workspace a waypoint may be, metres (rounding, box fitting).</param>
    public static string? Problem(SpatialTrace? trace, AxisAlignedBox3D? workspace, CameraCalibration? intrinsics = null, double workspaceTolerance = 0.01)
    {
        if (trace?.Points3D is null || trace.Points2D is null)
        {
            return "there is no trace";
        }
        if (trace.Points3D.Count == 0)
        {
            return "the trace has no 3D waypoints; a robot cannot follow it";
        }
        if (trace.Points3D.Count > MaxPoints || trace.Points2D.Count > MaxPoints)
        {
            return $"the trace has {Math.Max(trace.Points3D.Count, trace.Points2D.Count)} waypoints; at most {MaxPoints} are allowed";
        }
        for (var i = 0; i < trace.Points3D.Count; i++)
        {
            var p = trace.Points3D[i];
            if (!p.IsFinite)
            {
                return $"3D waypoint {i} is {Format(p)}: not a finite number";
            }
            if (workspace is { } w && !w.Contains(p, workspaceTolerance))
            {
                return $"3D waypoint {i} {Format(p)} is outside the robot's workspace {Format(w.Min)}..{Format(w.Max)}";
            }
        }
        for (var i = 0; i < trace.Points2D.Count; i++)
        {
            var p = trace.Points2D[i];
            if (!p.IsFinite)
            {
                return $"2D waypoint {i} is ({N(p.X)}, {N(p.Y)}): not a finite number";
            }
            // Pixel centres run from 0 to size-1; half a pixel of slack covers the outer pixels' edges.
            if (intrinsics is { } k && (p.X < -0.5 || p.Y < -0.5 || p.X > k.Width - 0.5 || p.Y > k.Height - 0.5))
            {
                return $"2D waypoint {i} ({N(p.X)}, {N(p.Y)}) is outside the {k.Width}x{k.Height} image";
            }
        }
        return null;
    }

    private static string Format(Point3D p) => $"({N(p.X)}, {N(p.Y)}, {N(p.Z)})";

    private static string N(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
