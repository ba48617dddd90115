namespace RoboTracer.Fleet.EventStore.GroupCommit;

/// <summary>A store's half of group commit: write one batch in one transaction.</summary>
internal interface IBatchWriter
{
    /// <summary>
    /// Reads what the batch needs (<see cref="BatchSnapshot"/>), plans it with <see cref="AppendPlanner"/>, calls
    /// <see cref="BatchTurn.Planned"/>, writes the rows and commits once the batch whose head it planned on committed
    /// as planned, if the head is still where the plan assumed; returns the plan once committed. Throws
    /// <see cref="HeadMovedException"/> when the plan did not hold (nothing written; the committer plans the batch
    /// again with <see cref="BatchTurn.Again"/>), <see cref="EventStoreUnavailableException"/> when the database is
    /// unreachable or the connection broke, and anything else when the database refused the batch (the committer
    /// then retries its appends one by one).
    /// </summary>
    /// <remarks>With <see cref="MaxConcurrentBatches"/> above 1 it must accept calls while earlier ones are in flight.</remarks>
    Task<BatchPlan> WriteBatchAsync(IReadOnlyList<AppendRequest> batch, BatchTurn turn);

    /// <summary>How many batches may be in flight at once (planned, writing or committing).</summary>
    int MaxConcurrentBatches { get; }
}
