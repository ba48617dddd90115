namespace RoboTracer.Fleet.Domain.Ids;

/// <summary>Identifies one issued spatial trace. A replacement trace for the same step gets a new id, so updates about an old trace are told apart. Valid by construction (see <see cref="IdRules"/>).</summary>
public readonly record struct TraceId
{
    /// <summary>Creates the id.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> breaks <see cref="IdRules"/>.</exception>
    public TraceId(string value) => Value = IdRules.Check(value, "trace");

    /// <summary>The id's text.</summary>
    public string Value { get; }

    /// <summary>A new random id.</summary>
    public static TraceId New() => new(Guid.NewGuid().ToString("N"));

    /// <summary>The id's text.</summary>
    public override string ToString() => Value ?? string.Empty;
}
