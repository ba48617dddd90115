namespace RoboTracer.Fleet.EventStore.Retention;

/// <summary>
/// Which streams retention may archive or drop, and what it does with them.
/// </summary>
/// <remarks>
/// <para>
/// "Finished" is declared by the caller, not guessed: a stream is finished when its <em>last</em> event's type is
/// one of <see cref="TerminalEventTypes"/> (for tasks: completed, failed, cancelled). A stream that got another
/// event after a terminal one (a task reopened) is unfinished again. The check is repeated inside the
/// transaction that drops the stream, with appends held off, so an event appended meanwhile keeps the stream.
/// </para>
/// <para>
/// A stream qualifies when its id starts with <see cref="StreamPrefix"/>, it is finished, and its last event was
/// recorded at least <see cref="MinimumAge"/> before the store clock's now.
/// </para>
/// <para>
/// With an <see cref="Archive"/>, each stream's events are written to it as JSON lines (see
/// <see cref="RetentionArchive"/>) and flushed before the stream is dropped: archiving is at least once, so a
/// run interrupted after the flush may archive a stream again on the next run (lines carry positions; deduplicate
/// on them). Positions of dropped events are never reused. Blobs are not dropped: an event may share a blob with
/// streams that are kept.
/// </para>
/// </remarks>
public sealed record RetentionPolicy
{
    /// <summary>Only streams whose id starts with this (e.g. <c>task-</c>); "" means every stream.</summary>
    public required string StreamPrefix { get; init; }

    /// <summary>The event types that end a stream's life (at least one).</summary>
    public required IReadOnlyCollection<string> TerminalEventTypes { get; init; }

    /// <summary>How long ago a stream's last event must have been recorded, e.g. <c>TimeSpan.FromDays(30)</c>.</summary>
    public required TimeSpan MinimumAge { get; init; }

    /// <summary>Where to write the archived events as JSON lines, or null to drop without archiving.</summary>
    public Stream? Archive { get; init; }

    /// <summary>Whether to drop the streams (default true); false with an <see cref="Archive"/> only exports them.</summary>
    public bool Drop { get; init; } = true;

    /// <summary>How many streams one transaction handles; appends wait while it runs, so keep it modest.</summary>
    public int StreamsPerTransaction { get; init; } = 100;

    internal void Validate()
    {
        StreamId.ValidatePrefix(StreamPrefix, nameof(StreamPrefix));
        ArgumentNullException.ThrowIfNull(TerminalEventTypes, nameof(TerminalEventTypes));
        if (TerminalEventTypes.Count == 0 || TerminalEventTypes.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Retention needs at least one terminal event type, and no empty one: they are how a finished stream is known.", nameof(TerminalEventTypes));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumAge, TimeSpan.Zero, nameof(MinimumAge));
        if (!Drop && Archive is null)
        {
            throw new ArgumentException("A retention policy that neither drops nor archives does nothing: set Drop or Archive.", nameof(Drop));
        }
        if (Archive is { CanWrite: false })
        {
            throw new ArgumentException("The archive stream is not writable.", nameof(Archive));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(StreamsPerTransaction, 1, nameof(StreamsPerTransaction));
    }
}
