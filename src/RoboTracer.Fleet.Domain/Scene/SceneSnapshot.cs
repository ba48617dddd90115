namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>
/// What a scene holds at one moment; planners and tracers read it, scene memory writes it. Which object a phrase
/// names is <see cref="SceneGrounding"/>'s to say (a label found inside the phrase is not enough: "the blue plate"
/// holds "plate", issue 21).
/// </summary>
/// <param name="SceneId">The scene (workspace).</param>
/// <param name="Objects">The objects in it.</param>
/// <param name="At">When scene memory last merged an observation into it (what verification compares against).</param>
public sealed record SceneSnapshot(string SceneId, IReadOnlyList<SceneObjectState> Objects, DateTimeOffset At);
