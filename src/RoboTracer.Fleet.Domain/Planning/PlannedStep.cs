namespace RoboTracer.Fleet.Domain.Planning;

/// <summary>
/// One step of a plan: a single traced motion. <see cref="TraceInstruction"/> is the text sent to the trace model,
/// in the form RoboTracer expects ("pick up the red cup and place it to the left of the plate").
/// </summary>
/// <param name="Index">Position in the plan, from 0.</param>
/// <param name="Action">The verb.</param>
/// <param name="Object">The object acted on, as named in the instruction ("the red cup").</param>
/// <param name="Destination">Where it ends up ("the plate"), or null for actions without one (wipe, open).</param>
/// <param name="Direction">A spatial relation to the destination ("to the left of"), or null for "on/into".</param>
/// <param name="TraceInstruction">The trace model's instruction for this step.</param>
/// <param name="SuccessCheck">How to tell the step worked.</param>
/// <param name="ObjectId">
/// The scene object <paramref name="Object"/> was bound to (<see cref="Scene.SceneGrounding"/>), when the plan was
/// made against a scene; null when it was not, and then the task binds it against its robot's scene before tracing.
/// </param>
/// <param name="DestinationId">The scene object <paramref name="Destination"/> was bound to, likewise.</param>
public sealed record PlannedStep(
    int Index,
    StepAction Action,
    string Object,
    string? Destination,
    string? Direction,
    string TraceInstruction,
    SuccessCheck SuccessCheck,
    string? ObjectId = null,
    string? DestinationId = null);
