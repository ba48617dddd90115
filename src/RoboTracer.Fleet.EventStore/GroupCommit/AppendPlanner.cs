namespace RoboTracer.Fleet.EventStore.GroupCommit;

/// <summary>
/// Decides a batch: for each append in arrival order, is it a retry (idempotency keys already recorded), does
/// its expected version hold, and which versions and positions does it get. Pure, so it is tested on its own.
/// </summary>
/// <remarks>
/// Correctness rests on the caller: the rows must commit only if the store is still as the snapshot says (the
/// head unmoved since the snapshot, as PostgreSQL's advance_head and SQLite's write lock make sure). Then the
/// checks made here against the snapshot (plus the batch's own earlier appends) are exactly the checks the
/// database would make, so a conflicting append is rejected alone and the rest of the batch commits: no savepoints.
/// </remarks>
internal static class AppendPlanner
{
    public static BatchPlan Plan(IReadOnlyList<AppendRequest> batch, BatchSnapshot snapshot, DateTimeOffset now)
    {
        var rows = new List<RecordedEvent>();
        var outcomes = new AppendOutcome[batch.Count];
        var versions = new Dictionary<string, long>(snapshot.StreamVersions, StringComparer.Ordinal);
        var batchKeys = new Dictionary<(string, string), KeyedEvent>();
        var position = snapshot.HeadPosition;
        // Recorded times never decrease with position, so "as of time T" is a prefix like "as of position P"
        // even when the clock steps back or another node's clock is behind. Microseconds: PostgreSQL's precision.
        var time = Truncate(now);
        if (time < snapshot.HeadTime)
        {
            time = snapshot.HeadTime;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var request = batch[i];
            var stream = request.StreamId;
            if (FindRetry(request, snapshot, batchKeys, out var outcome))
            {
                outcomes[i] = outcome;
                continue;
            }
            var current = versions.GetValueOrDefault(stream);
            if (!request.ExpectedVersion.IsSatisfiedBy(current))
            {
                outcomes[i] = new AppendOutcome(null, new WrongExpectedVersionException(stream, request.ExpectedVersion, current));
                continue;
            }
            var firstPosition = position + 1;
            for (var j = 0; j < request.Events.Count; j++)
            {
                var e = request.Events[j];
                var version = current + 1 + j;
                position++;
                rows.Add(new RecordedEvent(stream, version, position, e.EventType, e.Data, time, e.IdempotencyKey));
                if (e.IdempotencyKey is { } key)
                {
                    batchKeys[(stream, key)] = new KeyedEvent(version, position);
                }
            }
            var last = current + request.Events.Count;
            versions[stream] = last;
            outcomes[i] = new AppendOutcome(new AppendResult(stream, current + 1, last, firstPosition, position, AlreadyAppended: false), null);
        }
        return new BatchPlan(rows, outcomes, position, rows.Count > 0 ? time : snapshot.HeadTime, versions);
    }

    internal static DateTimeOffset Truncate(DateTimeOffset time)
    {
        var utc = time.UtcTicks;
        return new DateTimeOffset(utc - (utc % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
    }

    /// <summary>
    /// A retry is an append whose events all carry keys that were recorded, in the same order, as consecutive
    /// versions of the stream: the original answer is returned and nothing is written. Any other reuse of a key
    /// is an error rather than a guess.
    /// </summary>
    private static bool FindRetry(AppendRequest request, BatchSnapshot snapshot, Dictionary<(string, string), KeyedEvent> batchKeys, out AppendOutcome outcome)
    {
        outcome = default;
        KeyedEvent? first = null;
        string? firstKey = null;
        var matches = true;
        var anyRecorded = false;
        for (var j = 0; j < request.Events.Count; j++)
        {
            var key = request.Events[j].IdempotencyKey;
            KeyedEvent recorded = default;
            var found = key is not null
                && (batchKeys.TryGetValue((request.StreamId, key), out recorded) || snapshot.RecordedKeys.TryGetValue((request.StreamId, key), out recorded));
            if (!found)
            {
                matches = false;
                continue;
            }
            anyRecorded = true;
            if (first is null)
            {
                first = recorded;
                firstKey = key;
                matches &= j == 0;
            }
            else
            {
                matches &= recorded.Version == first.Value.Version + j && recorded.Position == first.Value.Position + j;
            }
        }
        if (!anyRecorded)
        {
            return false;
        }
        if (!matches)
        {
            outcome = new AppendOutcome(null, new IdempotencyKeyConflictException(request.StreamId, firstKey!, first!.Value.Version));
            return true;
        }
        var n = request.Events.Count - 1;
        outcome = new AppendOutcome(
            new AppendResult(request.StreamId, first!.Value.Version, first.Value.Version + n, first.Value.Position, first.Value.Position + n, AlreadyAppended: true),
            null);
        return true;
    }
}
