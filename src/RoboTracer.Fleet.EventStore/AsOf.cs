namespace RoboTracer.Fleet.EventStore;

/// <summary>
/// A point in the store's history for replay: a global position, or a time on the store's clock. Because
/// <see cref="RecordedEvent.RecordedAt"/> never decreases with position, both cut a stream at a prefix.
/// </summary>
public readonly record struct AsOf
{
    private AsOf(long? position, DateTimeOffset? time)
    {
        PositionValue = position;
        TimeValue = time;
    }

    /// <summary>The position, when this point is one; events at positions up to and including it are in.</summary>
    public long? PositionValue { get; }

    /// <summary>The time, when this point is one; events recorded at or before it are in.</summary>
    public DateTimeOffset? TimeValue { get; }

    /// <summary>History up to and including global position <paramref name="position"/>.</summary>
    public static AsOf Position(long position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        return new AsOf(position, null);
    }

    /// <summary>History recorded at or before <paramref name="time"/>.</summary>
    public static AsOf Time(DateTimeOffset time) => new(null, time);

    /// <inheritdoc />
    public override string ToString() => PositionValue is { } p ? $"position {p}" : $"time {TimeValue:O}";
}
