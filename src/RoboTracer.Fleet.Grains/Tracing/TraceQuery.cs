using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Scene;

namespace RoboTracer.Fleet.Grains.Tracing;

/// <summary>What a step needs traced.</summary>
/// <param name="Trace">The id the trace will carry (also the pool's request id).</param>
/// <param name="Task">The task.</param>
/// <param name="StepIndex">The step.</param>
/// <param name="Instruction">The step's trace instruction, e.g. "pick up the red cup and place it to the left of the plate".</param>
/// <param name="Robot">The robot that will execute it.</param>
/// <param name="Frame">The scene's latest RGB/depth/intrinsics, by blob reference; null when scene memory has none.</param>
/// <param name="SceneHints">The objects scene memory knows.</param>
/// <param name="Object">The object the step moves, when scene memory found it.</param>
/// <param name="Destination">The object the destination is relative to, when found.</param>
/// <param name="Workspace">The robot's workspace; a trace outside it is rejected.</param>
/// <param name="Unbound">
/// Why the step's object or destination binds no object of the scene (named, with what the scene holds); the step
/// is not traced then. Null when bound, or when the scene has not been observed yet.
/// </param>
public sealed record TraceQuery(
    TraceId Trace,
    TaskId Task,
    int StepIndex,
    string Instruction,
    RobotId Robot,
    SceneFrame? Frame,
    IReadOnlyList<SceneObjectState> SceneHints,
    SceneObjectState? Object,
    SceneObjectState? Destination,
    AxisAlignedBox3D? Workspace,
    string? Unbound = null);
