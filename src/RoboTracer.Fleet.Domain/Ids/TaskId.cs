namespace RoboTracer.Fleet.Domain.Ids;

/// <summary>Identifies a long-horizon task: one user instruction and its plan. Valid by construction (see <see cref="IdRules"/>).</summary>
public readonly record struct TaskId
{
    /// <summary>Creates the id.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> breaks <see cref="IdRules"/>.</exception>
    public TaskId(string value) => Value = IdRules.Check(value, "task");

    /// <summary>The id's text.</summary>
    public string Value { get; }

    /// <summary>A new random id.</summary>
    public static TaskId New() => new(Guid.NewGuid().ToString("N"));

    /// <summary>The id's text.</summary>
    public override string ToString() => Value ?? string.Empty;
}
