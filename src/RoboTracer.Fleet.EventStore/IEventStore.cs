using RoboTracer.Fleet.EventStore.Retention;

namespace RoboTracer.Fleet.EventStore;

/// <summary>
/// The append-only event store of DESIGN.md §5: streams of events with optimistic concurrency and idempotent
/// appends, one global order that live readers follow without gaps, point-in-time reads for replay, blobs
/// addressed by SHA-256, and retention of finished streams. <see cref="Postgres.PostgresEventStore"/> is the
/// production store and <see cref="Sqlite.SqliteEventStore"/> the embedded default; both keep this contract.
/// </summary>
/// <remarks>
/// Positions are assigned in commit order: once a reader has seen position P, no event at a position below P can
/// appear later. So "everything after my checkpoint" is always a complete answer, and a checkpoint is just the
/// last position processed.
/// </remarks>
public interface IEventStore : IAsyncDisposable
{
    /// <summary>
    /// Appends <paramref name="events"/> to a stream, all or nothing, and returns once they are committed
    /// (durably, as the database's commit is). Concurrent appends are group-committed.
    /// </summary>
    /// <exception cref="WrongExpectedVersionException">The stream's version did not match; nothing was written.</exception>
    /// <exception cref="IdempotencyKeyConflictException">A key was reused by an append that is not a retry.</exception>
    /// <exception cref="EventStoreUnavailableException">The database could not be reached or the connection broke.</exception>
    /// <exception cref="InvalidStreamIdException">The stream id breaks the rules of <see cref="StreamId"/>.</exception>
    /// <exception cref="EventTooLargeException">A payload is over <see cref="EventStoreOptions.MaxEventBytes"/>.</exception>
    /// <exception cref="ArgumentException">No events, a payload that is not one JSON value, or a key repeated within the append.</exception>
    Task<AppendResult> AppendAsync(string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default);

    /// <summary>The stream's current version (0 when it does not exist).</summary>
    Task<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default);

    /// <summary>The highest position assigned so far (0 for an empty store): a checkpoint that means "now".</summary>
    Task<long> GetHeadPositionAsync(CancellationToken cancellationToken = default);

    /// <summary>The stream's events from version <paramref name="fromVersion"/> (inclusive) on, in version order.</summary>
    IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string streamId, long fromVersion = 1, CancellationToken cancellationToken = default);

    /// <summary>The stream as it was at <paramref name="asOf"/>: its events up to that position or time, in version order (for replay).</summary>
    IAsyncEnumerable<RecordedEvent> ReadStreamAsOfAsync(string streamId, AsOf asOf, CancellationToken cancellationToken = default);

    /// <summary>All events after global position <paramref name="afterPosition"/>, in position order, up to the head when the read reaches it.</summary>
    IAsyncEnumerable<RecordedEvent> ReadAllAsync(long afterPosition = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// All events after <paramref name="afterPosition"/> (catch-up), then every event committed from then on
    /// (live), in position order, each exactly once. It never completes by itself: cancelling
    /// <paramref name="cancellationToken"/> ends it with an <see cref="OperationCanceledException"/>, and
    /// breaking out of the <c>await foreach</c> ends it quietly. On PostgreSQL it waits out a lost connection.
    /// </summary>
    IAsyncEnumerable<RecordedEvent> SubscribeAsync(long afterPosition = 0, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="content"/> once under its SHA-256 and returns the hash; storing it again is a no-op.</summary>
    /// <exception cref="BlobTooLargeException">The content is over <see cref="EventStoreOptions.MaxBlobBytes"/>.</exception>
    Task<BlobHash> PutBlobAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>The blob's content, or null when no blob has that hash.</summary>
    /// <exception cref="EventStoreException">The stored content no longer matches its hash.</exception>
    Task<byte[]?> GetBlobAsync(BlobHash hash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Archives and/or drops the finished streams that <paramref name="policy"/> selects (see
    /// <see cref="RetentionPolicy"/> for what "finished" means). A stream whose last event is not terminal is never touched.
    /// </summary>
    Task<RetentionResult> ApplyRetentionAsync(RetentionPolicy policy, CancellationToken cancellationToken = default);
}
