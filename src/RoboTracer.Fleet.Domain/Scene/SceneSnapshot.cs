namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>What a scene holds at one moment; planners and tracers read it, scene memory writes it.</summary>
/// <param name="SceneId">The scene (workspace).</param>
/// <param name="Objects">The objects in it.</param>
/// <param name="At">When scene memory last merged an observation into it (what verification compares against).</param>
public sealed record SceneSnapshot(string SceneId, IReadOnlyList<SceneObjectState> Objects, DateTimeOffset At)
{
    /// <summary>The object whose label best matches <paramref name="text"/>: an exact label, else the longest label the text contains.</summary>
    public SceneObjectState? Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Objects.FirstOrDefault(o => string.Equals(o.Label, text, StringComparison.OrdinalIgnoreCase))
            ?? Objects.Where(o => text.Contains(o.Label, StringComparison.OrdinalIgnoreCase)).OrderByDescending(o => o.Label.Length).FirstOrDefault();
    }
}
