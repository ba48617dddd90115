using System.Globalization;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Inference.Backends;
using Wire = RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Orchestrator.Robots;

/// <summary>
/// Conversions between robot_link.proto and the domain. The wire's <c>step_id</c> is the step's index in the
/// plan as decimal text: the orchestrator sends it in <c>ExecuteTrace</c> and the robot echoes it.
/// </summary>
internal static class LinkMapping
{
    public static RobotRegistration ToRegistration(Wire.Hello hello)
    {
        var capabilities = hello.Capabilities ?? throw new LinkProtocolException("the hello has no capabilities");
        var kind = capabilities.Kind switch
        {
            Wire.RobotKind.Arm => RobotKind.Arm,
            Wire.RobotKind.Mobile => RobotKind.Mobile,
            Wire.RobotKind.Humanoid => RobotKind.Humanoid,
            _ => throw new LinkProtocolException($"robot kind {capabilities.Kind} is not one of ARM, MOBILE, HUMANOID"),
        };
        AxisAlignedBox3D? workspace = null;
        if (capabilities.Workspace is { } box)
        {
            var oriented = ProtoGeometry.ToBox(box);
            var half = new Point3D(oriented.Extent.X / 2, oriented.Extent.Y / 2, oriented.Extent.Z / 2);
            workspace = new AxisAlignedBox3D(oriented.Center - half, oriented.Center + half);
        }
        var actions = capabilities.Actions.Select(a => a.Trim().ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var scene = string.IsNullOrWhiteSpace(hello.SceneId) ? "scene-" + hello.RobotId : hello.SceneId;
        return new RobotRegistration(
            new RobotCapabilities(kind, workspace, capabilities.MaxReachM, capabilities.MaxPayloadKg, actions),
            new SceneId(scene));
    }

    public static RobotHeartbeat ToHeartbeat(Wire.Heartbeat heartbeat)
    {
        RobotPose? pose = null;
        if (heartbeat.Pose is { Position: { } position } wirePose)
        {
            var q = wirePose.Orientation;
            var rotation = q is not null && (q.W != 0 || q.X != 0 || q.Y != 0 || q.Z != 0)
                ? Rotation3D.FromQuaternion(q.W, q.X, q.Y, q.Z)
                : Rotation3D.Identity;
            pose = new RobotPose(ProtoGeometry.ToPoint(position), rotation);
        }
        double? battery = heartbeat.Battery is >= 0 and <= 1 ? heartbeat.Battery : null;
        return new RobotHeartbeat(battery, pose);
    }

    public static RobotStepUpdate ToStepUpdate(Wire.StepUpdate update)
    {
        if (!int.TryParse(update.StepId, NumberStyles.None, CultureInfo.InvariantCulture, out var stepIndex))
        {
            throw new LinkProtocolException($"step_id '{update.StepId}' is not the step index the orchestrator sent");
        }
        if (string.IsNullOrEmpty(update.TaskId) || string.IsNullOrEmpty(update.TraceId))
        {
            throw new LinkProtocolException("a step update needs task_id and trace_id");
        }
        var state = update.State switch
        {
            Wire.StepState.Accepted => RobotStepState.Accepted,
            Wire.StepState.Executing => RobotStepState.Executing,
            Wire.StepState.Succeeded => RobotStepState.Succeeded,
            Wire.StepState.Failed => RobotStepState.Failed,
            Wire.StepState.Cancelled => RobotStepState.Cancelled,
            _ => throw new LinkProtocolException($"step state {update.State} is not a state a robot reports"),
        };
        RobotFailureKind? failure = update.Failure switch
        {
            Wire.FailureKind.Grasp => RobotFailureKind.Grasp,
            Wire.FailureKind.Collision => RobotFailureKind.Collision,
            Wire.FailureKind.Stall => RobotFailureKind.Stall,
            Wire.FailureKind.Unreachable => RobotFailureKind.Unreachable,
            _ => state == RobotStepState.Failed ? RobotFailureKind.Unspecified : null,
        };
        var result = new RobotStepUpdate(Id(() => new TaskId(update.TaskId)), stepIndex, Id(() => new TraceId(update.TraceId)), state,
            Math.Clamp(update.Progress, 0, 1), failure, string.IsNullOrWhiteSpace(update.Detail) ? null : update.Detail);
        return result.Problem() is { } problem ? throw new LinkProtocolException(problem) : result;
    }

    public static SceneObjectState ToObject(Wire.SceneObject o, DateTimeOffset seenAt) =>
        new(o.Id, o.Label, o.Box is null ? default : ProtoGeometry.ToBox(o.Box), o.Confidence, seenAt);

    public static CameraCalibration? ToCalibration(Wire.CameraIntrinsics? k) =>
        k is null ? null : new CameraCalibration(k.Fx, k.Fy, k.Cx, k.Cy, (int)k.Width, (int)k.Height);

    public static Wire.OrchestratorMessage ToWire(ExecuteTraceCommand command)
    {
        var execute = new Wire.ExecuteTrace
        {
            TaskId = command.Task.Value,
            StepId = command.StepIndex.ToString(CultureInfo.InvariantCulture),
            TraceId = command.Trace.Value,
            Instruction = command.Instruction,
            ObjectId = command.ObjectId ?? string.Empty,
        };
        execute.Points3D.AddRange(command.Points.Points3D.Select(ProtoGeometry.ToWire));
        execute.Points2D.AddRange(command.Points.Points2D.Select(p => new Wire.Point2D { X = p.X, Y = p.Y }));
        return new Wire.OrchestratorMessage { ExecuteTrace = execute };
    }

    public static Wire.OrchestratorMessage ToWire(CancelStepCommand command) => new()
    {
        CancelStep = new Wire.CancelStep
        {
            TaskId = command.Task.Value,
            StepId = command.StepIndex.ToString(CultureInfo.InvariantCulture),
            TraceId = command.Trace.Value,
            Reason = command.Reason,
        },
    };

    private static T Id<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (ArgumentException e)
        {
            throw new LinkProtocolException(e.Message);
        }
    }
}
