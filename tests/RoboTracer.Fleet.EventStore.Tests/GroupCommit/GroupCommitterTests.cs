using RoboTracer.Fleet.EventStore.GroupCommit;

namespace RoboTracer.Fleet.EventStore.Tests.GroupCommit;

public sealed class GroupCommitterTests
{
    [Fact]
    public async Task Appends_that_queue_up_while_a_batch_commits_share_the_next_batch()
    {
        var writer = new FakeWriter();
        await using var committer = new GroupCommitter(writer, new EventStoreOptions(), new WakeSignal());

        var first = committer.AppendAsync(Request("a"), CancellationToken.None);
        await writer.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var queued = Enumerable.Range(0, 10).Select(i => committer.AppendAsync(Request($"s{i}"), CancellationToken.None)).ToList();
        writer.Release.TrySetResult();
        await Task.WhenAll([first, .. queued]).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([1, 10], writer.BatchSizes);
    }

    [Fact]
    public async Task Batches_stop_at_the_event_limit_and_the_rest_goes_into_the_next()
    {
        var writer = new FakeWriter();
        await using var committer = new GroupCommitter(writer, new EventStoreOptions { MaxBatchEvents = 4 }, new WakeSignal());

        var first = committer.AppendAsync(Request("a"), CancellationToken.None);
        await writer.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var queued = Enumerable.Range(0, 6).Select(i => committer.AppendAsync(Request($"s{i}"), CancellationToken.None)).ToList();
        writer.Release.TrySetResult();
        await Task.WhenAll([first, .. queued]).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([1, 4, 2], writer.BatchSizes);
    }

    [Fact]
    public async Task A_batch_the_database_refuses_is_retried_append_by_append_so_only_the_bad_one_fails()
    {
        var writer = new FakeWriter { Refuse = request => request.StreamId == "bad" };
        writer.Release.TrySetResult();
        await using var committer = new GroupCommitter(writer, new EventStoreOptions(), new WakeSignal());
        writer.Hold = true;

        var first = committer.AppendAsync(Request("first"), CancellationToken.None);
        await writer.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var good = committer.AppendAsync(Request("good"), CancellationToken.None);
        var bad = committer.AppendAsync(Request("bad"), CancellationToken.None);
        writer.Unblock();

        await first;
        await good.WaitAsync(TimeSpan.FromSeconds(30));
        var error = await Assert.ThrowsAsync<EventStoreException>(() => bad.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("refused the append to stream 'bad'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_database_fails_every_append_of_the_batch_with_the_same_clear_error()
    {
        var writer = new FakeWriter { Unavailable = true };
        writer.Release.TrySetResult();
        await using var committer = new GroupCommitter(writer, new EventStoreOptions(), new WakeSignal());

        var errors = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => Assert.ThrowsAsync<EventStoreUnavailableException>(() => committer.AppendAsync(Request($"s{i}"), CancellationToken.None))));

        Assert.All(errors, e => Assert.Contains("PostgreSQL is down", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancelling_a_queued_append_withdraws_it()
    {
        var writer = new FakeWriter();
        await using var committer = new GroupCommitter(writer, new EventStoreOptions(), new WakeSignal());
        var first = committer.AppendAsync(Request("a"), CancellationToken.None);
        await writer.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using var cancel = new CancellationTokenSource();

        var withdrawn = committer.AppendAsync(Request("b"), cancel.Token);
        await cancel.CancelAsync();
        writer.Release.TrySetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withdrawn);
        await first;
        Assert.Equal([1], writer.BatchSizes);
    }

    [Fact]
    public async Task A_commit_wakes_readers()
    {
        var writer = new FakeWriter();
        writer.Release.TrySetResult();
        var signal = new WakeSignal();
        await using var committer = new GroupCommitter(writer, new EventStoreOptions(), signal);
        var wake = signal.Current;

        await committer.AppendAsync(Request("a"), CancellationToken.None);

        await wake.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task When_a_pipelined_batch_fails_the_batches_planned_behind_it_are_planned_again_and_commit_in_order()
    {
        var writer = new PipelineWriter { FailFirstAttemptOf = "a" };
        await using var committer = new GroupCommitter(writer, new EventStoreOptions(), new WakeSignal());

        // Three batches in flight, each planned on the head the one before it will leave: a at 1, b at 2, c at 3.
        var a = committer.AppendAsync(Request("a"), CancellationToken.None);
        await writer.WaitForPlansAsync(1);
        var b = committer.AppendAsync(Request("b"), CancellationToken.None);
        await writer.WaitForPlansAsync(2);
        var c = committer.AppendAsync(Request("c"), CancellationToken.None);
        await writer.WaitForPlansAsync(3);
        writer.Release.TrySetResult();
        var results = await Task.WhenAll(a, b, c).WaitAsync(TimeSpan.FromSeconds(30));

        // a's first attempt failed, so b and c, planned behind it, could not commit as planned either; all three
        // were planned again on the committed head, in order.
        Assert.Equal([1L, 2L, 3L], results.Select(r => r.FirstPosition));
        Assert.Equal(["a", "b", "c", "a again", "b again", "c again"], writer.Plans);
        Assert.Equal(["a", "b", "c"], writer.Commits);

        // Once the pipeline has recovered, a batch commits on its first plan again.
        var d = await committer.AppendAsync(Request("d"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(4L, d.FirstPosition);
        Assert.Equal("d", writer.Plans[^1]);
    }

    private static AppendRequest Request(string stream) =>
        AppendRequest.Create(stream, ExpectedVersion.Any, [AppendRequestTests.Event("1")], new EventStoreOptions());

    /// <summary>A writer that blocks its first batch until released, and plans like a store would.</summary>
    private sealed class FakeWriter : IBatchWriter
    {
        private readonly TaskCompletionSource _unblock = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _head;

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<int> BatchSizes { get; } = [];

        public Func<AppendRequest, bool> Refuse { get; init; } = _ => false;

        public bool Unavailable { get; init; }

        public bool Hold { get; set; }

        public int MaxConcurrentBatches => 1;

        public void Unblock() => _unblock.TrySetResult();

        public async Task<BatchPlan> WriteBatchAsync(IReadOnlyList<AppendRequest> batch, BatchTurn turn)
        {
            Started.TrySetResult();
            await Release.Task;
            if (Hold)
            {
                Hold = false;
                await _unblock.Task;
            }
            if (Unavailable)
            {
                throw new EventStoreUnavailableException("PostgreSQL is down", null, outcomeUnknown: false);
            }
            if (batch.Any(Refuse))
            {
                throw new InvalidOperationException("refused");
            }
            BatchSizes.Add(batch.Count);
            var plan = AppendPlanner.Plan(batch, new BatchSnapshot(_head, DateTimeOffset.UnixEpoch), DateTimeOffset.UnixEpoch);
            _head = plan.HeadPosition;
            return plan;
        }
    }

    /// <summary>
    /// A pipelined writer that keeps a committed head and a predicted one, as the PostgreSQL store does: a batch
    /// plans on the prediction (or on the committed head when planned again), waits for the batch that will leave
    /// the predicted head, and commits only if the committed head is where it planned from.
    /// </summary>
    private sealed class PipelineWriter : IBatchWriter
    {
        private readonly Lock _lock = new();
        private long _committed;
        private long _predicted;
        private Task<bool>? _predictedBy;

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string? FailFirstAttemptOf { get; init; }

        public List<string> Plans { get; } = [];

        public List<string> Commits { get; } = [];

        public int MaxConcurrentBatches => 3;

        public async Task WaitForPlansAsync(int count)
        {
            while (true)
            {
                lock (_lock)
                {
                    if (Plans.Count >= count)
                    {
                        return;
                    }
                }
                await Task.Delay(5);
            }
        }

        public async Task<BatchPlan> WriteBatchAsync(IReadOnlyList<AppendRequest> batch, BatchTurn turn)
        {
            var name = string.Join("+", batch.Select(r => r.StreamId)) + (turn.Fresh ? " again" : "");
            if (turn.Fresh && batch[0].StreamId == FailFirstAttemptOf)
            {
                // Planning again takes a while (a database round trip): the batches behind must wait for it.
                await Task.Delay(50);
            }
            var outcome = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            BatchPlan plan;
            long basis;
            Task<bool>? behind;
            lock (_lock)
            {
                basis = turn.Fresh ? _committed : _predicted;
                behind = turn.Fresh ? null : _predictedBy;
                plan = AppendPlanner.Plan(batch, new BatchSnapshot(basis, DateTimeOffset.UnixEpoch), DateTimeOffset.UnixEpoch);
                (_predicted, _predictedBy) = (plan.HeadPosition, outcome.Task);
                Plans.Add(name);
            }
            turn.Planned();
            await Release.Task;
            try
            {
                if ((behind is not null && !await behind) || (!turn.Fresh && batch[0].StreamId == FailFirstAttemptOf))
                {
                    throw new HeadMovedException("planned on a head that did not hold");
                }
                lock (_lock)
                {
                    if (_committed != basis)
                    {
                        throw new HeadMovedException($"the head is at {_committed}, not {basis}");
                    }
                    _committed = plan.HeadPosition;
                    Commits.Add(batch[0].StreamId);
                }
                outcome.TrySetResult(true);
                return plan;
            }
            catch (HeadMovedException)
            {
                outcome.TrySetResult(false);
                lock (_lock)
                {
                    (_predicted, _predictedBy) = (_committed, null);
                }
                throw;
            }
        }
    }
}
