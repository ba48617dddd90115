using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Traces;

namespace RoboTracer.Fleet.Grains.Robots;

/// <summary>Execute a trace (robot_link.proto <c>ExecuteTrace</c>).</summary>
/// <param name="Robot">The robot.</param>
/// <param name="Task">The task.</param>
/// <param name="StepIndex">The step.</param>
/// <param name="Trace">The trace's id; a replacement for the same step has a new one.</param>
/// <param name="Instruction">The step's instruction, for the robot's logs and display.</param>
/// <param name="Points">The validated waypoints.</param>
/// <param name="ObjectId">The scene object to move, when known.</param>
public sealed record ExecuteTraceCommand(RobotId Robot, TaskId Task, int StepIndex, TraceId Trace, string Instruction, SpatialTrace Points, string? ObjectId);
