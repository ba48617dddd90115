using RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Simulator.Tests.Infrastructure;

/// <summary>Commands a test sends: traces built from what the robot last observed.</summary>
internal static class Traces
{
    public static SceneObject Find(Observation observation, string label) =>
        observation.Objects.Single(o => o.Label == label);

    /// <summary>Lift the object 5 cm (camera −y), carry it 8 cm to the right, set it down: 0.18 m from its centre.</summary>
    public static ExecuteTrace LiftAndShift(Observation observation, string label, string step = "step-1", string trace = "trace-1", string task = "task-1", bool withObjectId = true, double maxSpeed = 0)
    {
        var target = Find(observation, label);
        var c = target.Box.Center;
        var command = new ExecuteTrace
        {
            TaskId = task,
            StepId = step,
            TraceId = trace,
            Instruction = $"move the {label} to the right",
            ObjectId = withObjectId ? target.Id : "",
            MaxSpeedMps = maxSpeed,
        };
        command.Points3D.Add(new Point3D { X = c.X, Y = c.Y - 0.05, Z = c.Z });
        command.Points3D.Add(new Point3D { X = c.X + 0.08, Y = c.Y - 0.05, Z = c.Z });
        command.Points3D.Add(new Point3D { X = c.X + 0.08, Y = c.Y, Z = c.Z });
        return command;
    }

    public static OrchestratorMessage Execute(ExecuteTrace trace) => new() { ExecuteTrace = trace };

    public static OrchestratorMessage Cancel(string step, string task = "task-1", string trace = "", string reason = "") =>
        new() { CancelStep = new CancelStep { TaskId = task, StepId = step, TraceId = trace, Reason = reason } };

    public static void AssertNear(Point3D expected, Point3D actual, double tolerance = 1e-9)
    {
        Assert.True(
            Math.Abs(expected.X - actual.X) <= tolerance && Math.Abs(expected.Y - actual.Y) <= tolerance && Math.Abs(expected.Z - actual.Z) <= tolerance,
            $"expected {expected}, got {actual}");
    }

    public static bool IsTerminal(StepState state) => state is StepState.Succeeded or StepState.Failed or StepState.Cancelled;
}
