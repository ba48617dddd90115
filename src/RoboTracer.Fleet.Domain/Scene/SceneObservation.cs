namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>
/// What a robot's perception saw at one moment: detected objects (a partial view: objects not mentioned keep
/// their last state) and, optionally, the frame they were detected in.
/// </summary>
/// <param name="TakenAt">When it was seen.</param>
/// <param name="Objects">Detected objects, each with a stable id.</param>
/// <param name="Frame">The images, by blob reference.</param>
/// <param name="RemovedObjectIds">Objects known to be gone.</param>
/// <param name="ReceivedAt">
/// When it reached the orchestrator (set by the robot link on arrival; null: when scene memory merges it). A step's
/// verification compares it with the time its success report arrived, by the same clock.
/// </param>
public sealed record SceneObservation(
    DateTimeOffset TakenAt,
    IReadOnlyList<SceneObjectState> Objects,
    SceneFrame? Frame = null,
    IReadOnlyList<string>? RemovedObjectIds = null,
    DateTimeOffset? ReceivedAt = null)
{
    /// <summary>The most objects one observation may carry.</summary>
    public const int MaxObjects = 1000;

    /// <summary>What is wrong with this observation, or null when it can be merged.</summary>
    public string? Problem()
    {
        if (Objects is null)
        {
            return "an observation needs a list of objects (it may be empty)";
        }
        if (Objects.Count > MaxObjects)
        {
            return $"an observation carries at most {MaxObjects} objects, not {Objects.Count}";
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Objects.Count; i++)
        {
            if (ObjectProblem(Objects[i]) is { } problem)
            {
                return $"object {i}: {problem}";
            }
            if (!seen.Add(Objects[i].Id))
            {
                return $"object id '{Objects[i].Id}' appears twice";
            }
        }
        if (Frame?.Intrinsics?.Problem() is { } intrinsics)
        {
            return intrinsics;
        }
        if (Frame is { } frame && frame.Rgb.Sha256 is null)
        {
            return "a frame needs an RGB blob reference";
        }
        return null;
    }

    private static string? ObjectProblem(SceneObjectState? o)
    {
        if (o is null)
        {
            return "it is null";
        }
        if (string.IsNullOrWhiteSpace(o.Id) || o.Id.Length > 128)
        {
            return "an object id is 1 to 128 characters";
        }
        if (string.IsNullOrWhiteSpace(o.Label))
        {
            return $"object '{o.Id}' has no label";
        }
        var box = o.Box;
        if (!box.Center.IsFinite || !box.Extent.IsFinite || box.Extent.X < 0 || box.Extent.Y < 0 || box.Extent.Z < 0)
        {
            return $"object '{o.Id}' has a box with a non-finite centre or a negative or non-finite extent";
        }
        if (!box.Rotation.Row(0).IsFinite || !box.Rotation.Row(1).IsFinite || !box.Rotation.Row(2).IsFinite)
        {
            return $"object '{o.Id}' has a non-finite rotation";
        }
        if (!(o.Confidence >= 0 && o.Confidence <= 1))
        {
            return $"object '{o.Id}' has confidence {o.Confidence}, not within 0..1";
        }
        return null;
    }
}
