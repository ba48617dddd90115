using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Grains.Robots;

/// <summary>Stop a trace (robot_link.proto <c>CancelStep</c>).</summary>
/// <param name="Robot">The robot.</param>
/// <param name="Task">The task.</param>
/// <param name="StepIndex">The step.</param>
/// <param name="Trace">The trace to stop.</param>
/// <param name="Reason">Why, for people.</param>
public sealed record CancelStepCommand(RobotId Robot, TaskId Task, int StepIndex, TraceId Trace, string Reason);
