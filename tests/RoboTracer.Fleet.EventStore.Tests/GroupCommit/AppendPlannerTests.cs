using RoboTracer.Fleet.EventStore.GroupCommit;

namespace RoboTracer.Fleet.EventStore.Tests.GroupCommit;

public sealed class AppendPlannerTests
{
    private static readonly DateTimeOffset Now = new(2025, 5, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Appends_get_consecutive_positions_after_the_head_and_versions_after_each_stream()
    {
        var snapshot = Snapshot(head: 10, ("a", 3));

        var plan = AppendPlanner.Plan([Request("a", ExpectedVersion.Exact(3), 2), Request("b", ExpectedVersion.NoStream, 1), Request("a", ExpectedVersion.Exact(5), 1)], snapshot, Now);

        Assert.Equal([11L, 12, 13, 14], plan.Rows.Select(r => r.Position));
        Assert.Equal([("a", 4L), ("a", 5L), ("b", 1L), ("a", 6L)], plan.Rows.Select(r => (r.StreamId, r.Version)));
        Assert.Equal(14, plan.HeadPosition);
        Assert.Equal((4L, 5L, 11L, 12L), Result(plan, 0) is var r0 ? (r0.FirstVersion, r0.LastVersion, r0.FirstPosition, r0.LastPosition) : default);
        Assert.Equal(6, plan.StreamVersions["a"]);
    }

    [Fact]
    public void A_conflict_fails_only_its_own_append_and_reports_the_version_the_batch_had_reached()
    {
        var plan = AppendPlanner.Plan([Request("a", ExpectedVersion.NoStream, 1), Request("a", ExpectedVersion.NoStream, 1), Request("b", ExpectedVersion.Any, 1)], Snapshot(head: 0), Now);

        var conflict = Assert.IsType<WrongExpectedVersionException>(plan.Outcomes[1].Error);
        Assert.Equal(1, conflict.ActualVersion);
        Assert.NotNull(plan.Outcomes[0].Result);
        Assert.NotNull(plan.Outcomes[2].Result);
        Assert.Equal([1L, 2], plan.Rows.Select(r => r.Position));
    }

    [Fact]
    public void A_retry_of_a_recorded_append_writes_nothing_and_returns_the_recorded_positions()
    {
        var snapshot = Snapshot(head: 50, ("a", 9));
        snapshot.RecordedKeys[("a", "k1")] = new KeyedEvent(4, 20);
        snapshot.RecordedKeys[("a", "k2")] = new KeyedEvent(5, 21);

        var plan = AppendPlanner.Plan([Request("a", ExpectedVersion.NoStream, 2, "k1", "k2")], snapshot, Now);

        Assert.Empty(plan.Rows);
        Assert.Equal(new AppendResult("a", 4, 5, 20, 21, AlreadyAppended: true), plan.Outcomes[0].Result);
        Assert.Equal(50, plan.HeadPosition);
    }

    [Fact]
    public void A_retry_within_the_same_batch_returns_the_first_appends_positions()
    {
        var plan = AppendPlanner.Plan([Request("a", ExpectedVersion.Any, 1, "k"), Request("a", ExpectedVersion.Any, 1, "k")], Snapshot(head: 0), Now);

        Assert.Single(plan.Rows);
        Assert.Equal(Result(plan, 0).FirstPosition, Result(plan, 1).FirstPosition);
        Assert.True(Result(plan, 1).AlreadyAppended);
    }

    [Fact]
    public void A_recorded_key_in_an_append_that_is_not_the_same_append_is_a_conflict()
    {
        var snapshot = Snapshot(head: 5, ("a", 2));
        snapshot.RecordedKeys[("a", "k1")] = new KeyedEvent(1, 1);

        var partial = AppendPlanner.Plan([Request("a", ExpectedVersion.Any, 2, "k1", "new")], snapshot, Now);
        var moved = AppendPlanner.Plan([Request("a", ExpectedVersion.Any, 2, "other", "k1")], snapshot, Now);

        Assert.IsType<IdempotencyKeyConflictException>(partial.Outcomes[0].Error);
        Assert.IsType<IdempotencyKeyConflictException>(moved.Outcomes[0].Error);
        Assert.Empty(partial.Rows);
    }

    [Fact]
    public void Recorded_times_never_go_back_and_are_cut_to_microseconds()
    {
        var later = Now.AddTicks(12_345_678);
        var snapshot = new BatchSnapshot(0, later);

        var plan = AppendPlanner.Plan([Request("a", ExpectedVersion.Any, 1)], snapshot, Now);
        var precise = AppendPlanner.Plan([Request("a", ExpectedVersion.Any, 1)], new BatchSnapshot(0, DateTimeOffset.UnixEpoch), later.AddTicks(7));

        Assert.Equal(later, plan.Rows[0].RecordedAt);
        Assert.Equal(0, precise.Rows[0].RecordedAt.Ticks % 10);
    }

    private static AppendResult Result(BatchPlan plan, int index) => plan.Outcomes[index].Result ?? throw plan.Outcomes[index].Error!;

    private static BatchSnapshot Snapshot(long head, params (string Stream, long Version)[] versions)
    {
        var snapshot = new BatchSnapshot(head, DateTimeOffset.UnixEpoch);
        foreach (var (stream, version) in versions)
        {
            snapshot.StreamVersions[stream] = version;
        }
        return snapshot;
    }

    private static AppendRequest Request(string stream, ExpectedVersion expected, int count, params string[] keys) =>
        AppendRequest.Create(stream, expected, [.. Enumerable.Range(0, count).Select(i => AppendRequestTests.Event($"{i}", keys.Length > i ? keys[i] : null))], new EventStoreOptions());
}
