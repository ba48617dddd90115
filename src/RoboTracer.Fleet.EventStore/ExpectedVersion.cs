using System.Globalization;

namespace RoboTracer.Fleet.EventStore;

/// <summary>
/// What an append expects the stream's version to be. Versions count events: a stream's version is the number
/// of events appended to it, so its first event has version 1 and a stream that does not exist has version 0.
/// An append whose expectation does not hold writes nothing and fails with
/// <see cref="WrongExpectedVersionException"/> (the optimistic-concurrency fence of DESIGN.md §5).
/// </summary>
public readonly record struct ExpectedVersion
{
    private const long AnyValue = -1;

    private ExpectedVersion(long value) => Value = value;

    /// <summary>Append whatever the stream's version is.</summary>
    public static ExpectedVersion Any { get; } = new(AnyValue);

    /// <summary>The stream must not exist yet (version 0). This is also the <c>default</c> value.</summary>
    public static ExpectedVersion NoStream { get; } = new(0);

    /// <summary>True for <see cref="Any"/>.</summary>
    public bool IsAny => Value == AnyValue;

    internal long Value { get; }

    /// <summary>The stream's version must be exactly <paramref name="version"/> (0 = the stream does not exist).</summary>
    public static ExpectedVersion Exact(long version)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        return new ExpectedVersion(version);
    }

    /// <summary>Whether a stream at <paramref name="actualVersion"/> satisfies this expectation.</summary>
    public bool IsSatisfiedBy(long actualVersion) => IsAny || Value == actualVersion;

    /// <summary>"any", "no stream" or the exact version.</summary>
    public override string ToString() => Value switch
    {
        AnyValue => "any",
        0 => "no stream",
        _ => Value.ToString(CultureInfo.InvariantCulture),
    };
}
