using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Retention;

namespace RoboTracer.Fleet.Grains.Tests.EventSourcing;

/// <summary>An event store that fails on command: down (appends throw), or losing the answer of a committed append.</summary>
public sealed class FlakyStore(IEventStore inner) : IEventStore
{
    private int _loseAnswers;

    /// <summary>Appends throw <see cref="EventStoreUnavailableException"/> without writing.</summary>
    public bool Down { get; set; }

    /// <summary>Appends that were made and committed.</summary>
    public int Committed;

    /// <summary>The next <paramref name="count"/> appends commit, then throw as if the connection dropped before the answer.</summary>
    public void LoseAnswers(int count) => Volatile.Write(ref _loseAnswers, count);

    public async Task<AppendResult> AppendAsync(string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        if (Down)
        {
            throw new EventStoreUnavailableException("the test store is down", null, outcomeUnknown: false);
        }
        var result = await inner.AppendAsync(streamId, expectedVersion, events, cancellationToken);
        if (!result.AlreadyAppended)
        {
            Interlocked.Increment(ref Committed);
        }
        if (Interlocked.Decrement(ref _loseAnswers) >= 0)
        {
            throw new EventStoreUnavailableException("the connection dropped before the commit was acknowledged", null, outcomeUnknown: true);
        }
        return result;
    }

    public Task<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default) => inner.GetStreamVersionAsync(streamId, cancellationToken);

    public Task<long> GetHeadPositionAsync(CancellationToken cancellationToken = default) => inner.GetHeadPositionAsync(cancellationToken);

    public IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string streamId, long fromVersion = 1, CancellationToken cancellationToken = default) => inner.ReadStreamAsync(streamId, fromVersion, cancellationToken);

    public IAsyncEnumerable<RecordedEvent> ReadStreamAsOfAsync(string streamId, AsOf asOf, CancellationToken cancellationToken = default) => inner.ReadStreamAsOfAsync(streamId, asOf, cancellationToken);

    public IAsyncEnumerable<RecordedEvent> ReadAllAsync(long afterPosition = 0, CancellationToken cancellationToken = default) => inner.ReadAllAsync(afterPosition, cancellationToken);

    public IAsyncEnumerable<RecordedEvent> SubscribeAsync(long afterPosition = 0, CancellationToken cancellationToken = default) => inner.SubscribeAsync(afterPosition, cancellationToken);

    public Task<BlobHash> PutBlobAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) => inner.PutBlobAsync(content, cancellationToken);

    public Task<byte[]?> GetBlobAsync(BlobHash hash, CancellationToken cancellationToken = default) => inner.GetBlobAsync(hash, cancellationToken);

    public Task<RetentionResult> ApplyRetentionAsync(RetentionPolicy policy, CancellationToken cancellationToken = default) => inner.ApplyRetentionAsync(policy, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
