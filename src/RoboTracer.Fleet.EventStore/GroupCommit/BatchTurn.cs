namespace RoboTracer.Fleet.EventStore.GroupCommit;

/// <summary>
/// A batch's place in the group-commit pipeline. Batches are planned one after another, each on the head the batch
/// planned before it will leave, and may write their rows side by side; the writer commits each only after the batch
/// whose head it planned on committed as planned, and only if the head is then where its plan assumed (the database
/// checks), so commit order stays position order.
/// </summary>
internal sealed class BatchTurn
{
    private readonly TaskCompletionSource _planned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BatchTurn(Task previousSettled, bool fresh)
    {
        PreviousSettled = previousSettled;
        Fresh = fresh;
    }

    /// <summary>The turn after another batch's, see <see cref="PreviousSettled"/>.</summary>
    public static BatchTurn After(Task previousSettled) => new(previousSettled, fresh: false);

    /// <summary>
    /// A turn that trusts no prediction: the writer plans on the head as the table has it. For writing a batch
    /// again after its plan did not hold, and for appends written one by one.
    /// </summary>
    public static BatchTurn Again() => new(Task.CompletedTask, fresh: true);

    /// <summary>Completes when the batch taken before this one is settled for good, written again if it had to be.</summary>
    public Task PreviousSettled { get; }

    /// <summary>True when the writer must plan on the head read from the table, see <see cref="Again"/>.</summary>
    public bool Fresh { get; }

    /// <summary>Completes when the batch is planned: the next batch may be planned from then on.</summary>
    public Task PlannedTask => _planned.Task;

    /// <summary>Called by the writer once the batch's positions and versions are decided (or it failed before).</summary>
    public void Planned() => _planned.TrySetResult();
}

/// <summary>
/// Thrown by a writer when its batch cannot commit as planned: the head is not where the plan assumed (the batch it
/// planned behind failed, another node or a retention run moved it) or a row the plan thought free is taken.
/// Nothing of the batch was written; the committer writes it again with <see cref="BatchTurn.Again"/>.
/// </summary>
internal sealed class HeadMovedException(string message) : Exception(message);
