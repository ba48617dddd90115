namespace RoboTracer.Fleet.EventStore.GroupCommit;

/// <summary>A store's half of group commit: write one batch in one transaction.</summary>
internal interface IBatchWriter
{
    /// <summary>
    /// Takes the append lock, reads the <see cref="BatchSnapshot"/>, plans with <see cref="AppendPlanner"/>,
    /// writes the rows and commits; returns the plan once committed. Throws
    /// <see cref="EventStoreUnavailableException"/> when the database is unreachable or the connection broke, and
    /// anything else when the database refused the batch (the committer then retries its appends one by one).
    /// </summary>
    /// <remarks>
    /// Calls <paramref name="onCommitting"/> when it is about to commit (the next batch may start then); with
    /// <see cref="MaxConcurrentBatches"/> = 2 it must accept a second call while the first is committing.
    /// </remarks>
    Task<BatchPlan> WriteBatchAsync(IReadOnlyList<AppendRequest> batch, Action onCommitting);

    /// <summary>1, or 2 when the next batch may start while the previous one commits.</summary>
    int MaxConcurrentBatches { get; }
}
