namespace RoboTracer.Fleet.Domain.Ids;

/// <summary>Identifies a robot of the fleet, as it names itself on connecting. Valid by construction (see <see cref="IdRules"/>).</summary>
public readonly record struct RobotId
{
    /// <summary>Creates the id.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> breaks <see cref="IdRules"/>.</exception>
    public RobotId(string value) => Value = IdRules.Check(value, "robot");

    /// <summary>The id's text.</summary>
    public string Value { get; }

    /// <summary>A new random id.</summary>
    public static RobotId New() => new(Guid.NewGuid().ToString("N"));

    /// <summary>The id's text.</summary>
    public override string ToString() => Value ?? string.Empty;
}
