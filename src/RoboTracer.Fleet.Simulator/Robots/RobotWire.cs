using System.IO.Compression;
using Google.Protobuf;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Simulator.Scenes;
using Point3D = RoboTracer.Fleet.Domain.Geometry.Point3D;
using WirePoint3D = RoboTracer.Fleet.Contracts.V1.Point3D;

namespace RoboTracer.Fleet.Simulator.Robots;

/// <summary>Conversions between the simulator's geometry and robot_link.proto / spatial_trace.proto messages.</summary>
internal static class RobotWire
{
    public static WirePoint3D ToWire(Point3D p) => new() { X = p.X, Y = p.Y, Z = p.Z };

    public static Point3D FromWire(WirePoint3D? p) => p is null ? new Point3D(double.NaN, double.NaN, double.NaN) : new Point3D(p.X, p.Y, p.Z);

    public static Box3D ToWire(OrientedBox3D box)
    {
        var (w, x, y, z) = box.Rotation.ToQuaternion();
        return new Box3D { Center = ToWire(box.Center), Extent = ToWire(box.Extent), Rotation = new Quaternion { W = w, X = x, Y = y, Z = z } };
    }

    public static Box3D ToWire(AxisAlignedBox3D box) => ToWire(OrientedBox3D.FromAxisAligned(box));

    public static CameraIntrinsics ToWire(Vision.CameraIntrinsics k) =>
        new() { Fx = k.Fx, Fy = k.Fy, Cx = k.Cx, Cy = k.Cy, Width = (uint)k.Width, Height = (uint)k.Height };

    /// <summary>
    /// What the robot sees: objects (id, label, box in the camera frame), and with <paramref name="render"/> the RGB
    /// image as PNG and the aligned depth as 16UC1 millimetres, both of the intrinsics' size (the inputs
    /// TraceRequestValidator accepts).
    /// </summary>
    public static Observation Observe(SimulatedScene scene, bool render, DateTimeOffset takenAt)
    {
        var observation = new Observation
        {
            TakenUnixMs = takenAt.ToUnixTimeMilliseconds(),
            Intrinsics = ToWire(scene.Tabletop.Intrinsics),
        };
        for (var i = 0; i < scene.Count; i++)
        {
            observation.Objects.Add(new Contracts.V1.SceneObject
            {
                Id = scene.Ids[i],
                Label = scene.LabelOf(i),
                Box = ToWire(scene.CameraBox(i)),
                // Ground truth: the simulator knows exactly where everything is.
                Confidence = 1f,
            });
        }
        if (render)
        {
            var rendering = scene.Render();
            observation.Image = new Image
            {
                Data = ByteString.CopyFrom(rendering.Rgb.ToPng(CompressionLevel.Fastest)),
                MediaType = Vision.ImageCodec.PngMediaType,
            };
            observation.Depth = new Contracts.V1.DepthImage
            {
                Data = ByteString.CopyFrom(rendering.Depth.To16UC1()),
                Encoding = DepthEncoding._16Uc1,
                Width = (uint)rendering.Depth.Width,
                Height = (uint)rendering.Depth.Height,
            };
        }
        return observation;
    }

    public static StepUpdate Update(string taskId, string stepId, string traceId, StepState state, double progress, FailureKind failure = FailureKind.Unspecified, string detail = "") =>
        new()
        {
            TaskId = taskId,
            StepId = stepId,
            TraceId = traceId,
            State = state,
            Progress = progress,
            Failure = failure,
            Detail = detail,
        };

    public static StepUpdate Update(StepRun run, StepState state, double progress, FailureKind failure = FailureKind.Unspecified, string detail = "") =>
        Update(run.TaskId, run.StepId, run.TraceId, state, progress, failure, detail);
}
