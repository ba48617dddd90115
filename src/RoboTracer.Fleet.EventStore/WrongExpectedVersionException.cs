namespace RoboTracer.Fleet.EventStore;

/// <summary>
/// An append's expected version did not hold: another writer got there first (or the stream is not where the
/// caller thought). Nothing of the append was written. Reload the stream from <see cref="ActualVersion"/> and decide again.
/// </summary>
public sealed class WrongExpectedVersionException : EventStoreException
{
    /// <summary>Creates the exception.</summary>
    public WrongExpectedVersionException(string streamId, ExpectedVersion expectedVersion, long actualVersion)
        : base($"Append to stream '{streamId}' expected version {expectedVersion} but the stream is at version {actualVersion}.")
    {
        StreamId = streamId;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>The stream appended to.</summary>
    public string StreamId { get; }

    /// <summary>What the append expected.</summary>
    public ExpectedVersion ExpectedVersion { get; }

    /// <summary>The stream's version when the append was checked (0 = no stream).</summary>
    public long ActualVersion { get; }
}
