namespace RoboTracer.Fleet.EventStore.GroupCommit;

/// <summary>
/// What one batch writes and what each of its appends answers. Rows are in position order; outcomes are in the
/// batch's order, each either a result or the exception its caller gets.
/// </summary>
internal sealed class BatchPlan(List<RecordedEvent> rows, AppendOutcome[] outcomes, long headPosition, DateTimeOffset headTime, Dictionary<string, long> streamVersions)
{
    public List<RecordedEvent> Rows { get; } = rows;

    public AppendOutcome[] Outcomes { get; } = outcomes;

    /// <summary>The head after the batch: its last position (unchanged when it writes nothing).</summary>
    public long HeadPosition { get; } = headPosition;

    public DateTimeOffset HeadTime { get; } = headTime;

    /// <summary>The version of every stream of the batch once it commits.</summary>
    public Dictionary<string, long> StreamVersions { get; } = streamVersions;
}

/// <summary>One append's answer: a result, or the exception for its caller.</summary>
internal readonly record struct AppendOutcome(AppendResult? Result, Exception? Error);
