using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Domain.Robots;

/// <summary>The trace a robot is executing.</summary>
/// <param name="Task">Its task.</param>
/// <param name="StepIndex">Its step.</param>
/// <param name="Trace">The trace's id.</param>
/// <param name="State">The robot's last report, or null before its first.</param>
/// <param name="Progress">Fraction followed, 0..1.</param>
/// <param name="Since">When the trace was sent.</param>
public sealed record RobotStepStatus(TaskId Task, int StepIndex, TraceId Trace, RobotStepState? State, double Progress, DateTimeOffset Since);
