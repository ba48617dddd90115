namespace RoboTracer.Fleet.Domain.Ids;

/// <summary>Identifies a scene (workspace): the place one scene memory describes; robots that share one share scene memory. Valid by construction (see <see cref="IdRules"/>).</summary>
public readonly record struct SceneId
{
    /// <summary>Creates the id.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> breaks <see cref="IdRules"/>.</exception>
    public SceneId(string value) => Value = IdRules.Check(value, "scene");

    /// <summary>The id's text.</summary>
    public string Value { get; }

    /// <summary>A new random id.</summary>
    public static SceneId New() => new(Guid.NewGuid().ToString("N"));

    /// <summary>The id's text.</summary>
    public override string ToString() => Value ?? string.Empty;
}
