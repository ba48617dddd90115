using System.Diagnostics;
using RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Simulator.Robots;

/// <summary>
/// A simulated robot's side of a task's distributed trace: one <c>robot.execute</c> span per trace followed, a child
/// of the orchestrator's <c>robot.step</c> span whose context the command carries (<c>ExecuteTrace.traceparent</c>).
/// </summary>
internal static class RobotTelemetry
{
    public const string SourceName = "RoboTracer.Fleet.Simulator";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the span of following <paramref name="command"/>; null when the command is not traced.</summary>
    public static Activity? StartExecution(string robot, ExecuteTrace command)
    {
        if (!ActivityContext.TryParse(command.Traceparent, null, isRemote: true, out var parent))
        {
            return null;
        }
        // The span lives as long as the run, not as long as this call: Activity.Current goes back to what it was,
        // so the link's read loop that received the command does not carry the span into the commands after it.
        var previous = Activity.Current;
        var activity = Source.StartActivity("robot.execute", ActivityKind.Consumer, parent);
        Activity.Current = previous;
        activity?.SetTag("robotracer.robot", robot);
        activity?.SetTag("robotracer.task", command.TaskId);
        activity?.SetTag("robotracer.step", command.StepId);
        activity?.SetTag("robotracer.trace", command.TraceId);
        return activity;
    }
}
