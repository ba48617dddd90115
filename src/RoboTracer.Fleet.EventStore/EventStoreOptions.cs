namespace RoboTracer.Fleet.EventStore;

/// <summary>Limits and tuning shared by both stores. The defaults suit a fleet node.</summary>
public sealed record EventStoreOptions
{
    /// <summary>The largest event payload in bytes (default 1 MiB); larger ones fail with <see cref="EventTooLargeException"/>.</summary>
    public int MaxEventBytes { get; init; } = 1 << 20;

    /// <summary>The largest blob in bytes (default 64 MiB, at most 512 MiB); larger ones fail with <see cref="BlobTooLargeException"/>.</summary>
    public long MaxBlobBytes { get; init; } = 64L << 20;

    /// <summary>Group commit: at most this many events in one transaction (an append larger than this still goes whole, alone).</summary>
    public int MaxBatchEvents { get; init; } = 4096;

    /// <summary>Group commit: at most about this many payload bytes in one transaction.</summary>
    public int MaxBatchBytes { get; init; } = 8 << 20;

    /// <summary>
    /// PostgreSQL: how many streams' versions the writer remembers between batches (default 100 000). A batch to a
    /// remembered stream skips an index probe; when the memory is full, the streams of committed batches make room.
    /// </summary>
    public int MaxCachedStreams { get; init; } = 100_000;

    /// <summary>How many events a read fetches per round trip.</summary>
    public int ReadPageSize { get; init; } = 1000;

    /// <summary>
    /// How long a caught-up subscription waits for a wake-up before it looks again anyway. Wake-ups come from
    /// this store's own commits and, on PostgreSQL, from LISTEN/NOTIFY; the poll covers a lost notification
    /// and, on SQLite, another process writing the same file.
    /// </summary>
    public TimeSpan SubscriptionPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The clock that stamps <see cref="RecordedEvent.RecordedAt"/>, measures retention ages and times the PostgreSQL writer's pauses.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEventBytes, 1, nameof(MaxEventBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBlobBytes, 1, nameof(MaxBlobBytes));
        // A bytea or blob value is read into one array; stay well below both databases' 1 GiB value limit.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBlobBytes, 512L << 20, nameof(MaxBlobBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchEvents, 1, nameof(MaxBatchEvents));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchBytes, 1, nameof(MaxBatchBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCachedStreams, 1, nameof(MaxCachedStreams));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadPageSize, 1, nameof(ReadPageSize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SubscriptionPollInterval, TimeSpan.Zero, nameof(SubscriptionPollInterval));
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
