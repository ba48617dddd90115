namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>What changed.</summary>
/// <param name="Kind">How it matters to the trace.</param>
/// <param name="ObjectId">The object that changed.</param>
/// <param name="Label">Its label.</param>
/// <param name="Description">The same in words, e.g. "red cup moved 0.31 m".</param>
public sealed record SceneChange(SceneChangeKind Kind, string ObjectId, string Label, string Description);
