using System.Threading.Channels;

namespace RoboTracer.Fleet.EventStore.GroupCommit;

/// <summary>
/// Group commit: callers enqueue appends; one loop takes everything that queued up while the previous
/// transaction was busy (up to the batch limits) and writes it as one transaction. Under load one commit, and
/// one fsync, acknowledges hundreds of appends; with no load an append is written at once, with no added delay.
/// Each caller is answered only after its batch committed.
/// </summary>
/// <remarks>
/// With <see cref="IBatchWriter.MaxConcurrentBatches"/> above 1 batches are pipelined: the next batch is taken as
/// soon as the current one is planned (its positions and versions decided), so one batch can copy its rows while
/// the one before it copies or commits. The writer commits each batch only after the batch whose head it planned on
/// committed as planned, and only if the head is there (<see cref="BatchTurn"/>), so commit order stays position
/// order. When a batch fails, the batches planned behind it cannot commit as planned either; each is planned again,
/// in the order the batches were taken.
/// </remarks>
internal sealed class GroupCommitter : IAsyncDisposable
{
    private readonly Channel<AppendRequest> _queue = Channel.CreateUnbounded<AppendRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IBatchWriter _writer;
    private readonly EventStoreOptions _options;
    private readonly WakeSignal _signal;
    private readonly Task _loop;
    // A batch whose plan keeps failing (other nodes winning the head every time) gives up after this many plans.
    private const int MaxPlans = 50;

    private AppendRequest? _carried;
    private long _batches;
    private long _events;
    private long _plannedAgain;

    public GroupCommitter(IBatchWriter writer, EventStoreOptions options, WakeSignal signal)
    {
        _writer = writer;
        _options = options;
        _signal = signal;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Transactions that committed events, and the events they committed (for tests and benchmarks).</summary>
    public (long Batches, long Events) Statistics => (Interlocked.Read(ref _batches), Interlocked.Read(ref _events));

    /// <summary>Batches whose plan did not hold and that were planned again (for tests and benchmarks).</summary>
    public long PlannedAgain => Interlocked.Read(ref _plannedAgain);

    public async Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken cancellationToken)
    {
        if (!_queue.Writer.TryWrite(request))
        {
            throw new ObjectDisposedException(nameof(IEventStore), "The event store is closed.");
        }
        if (!cancellationToken.CanBeCanceled)
        {
            return await request.Completion.Task;
        }
        // Cancelling withdraws the append only while it is still queued; once a batch took it, it is written
        // and the caller, who stopped waiting, can find it by its idempotency key.
        await using var registration = cancellationToken.Register(() =>
        {
            if (request.TryCancel())
            {
                request.Completion.TrySetCanceled(cancellationToken);
            }
        });
        return await request.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        var inFlight = new Queue<Task>();
        var previousSettled = Task.CompletedTask;
        while (_carried is not null || await _queue.Reader.WaitToReadAsync())
        {
            var batch = TakeBatch();
            if (batch.Count == 0)
            {
                continue;
            }
            var turn = BatchTurn.After(previousSettled);
            var settled = CommitAsync(batch, turn);
            // The next batch is planned on the head this one leaves: wait until this one is planned (or over).
            await Task.WhenAny(turn.PlannedTask, settled);
            previousSettled = settled;
            inFlight.Enqueue(settled);
            while (inFlight.Count >= _writer.MaxConcurrentBatches || (inFlight.Count > 0 && inFlight.Peek().IsCompleted))
            {
                await inFlight.Dequeue();
            }
        }
        await Task.WhenAll(inFlight);
    }

    private List<AppendRequest> TakeBatch()
    {
        var batch = new List<AppendRequest>();
        var events = 0;
        var bytes = 0;
        while (TryNext(out var request))
        {
            // A batch always takes its first append whole, however large; after that it stops at the limits
            // and the append that did not fit starts the next batch.
            if (batch.Count > 0 && (events + request.Events.Count > _options.MaxBatchEvents || bytes + request.PayloadBytes > _options.MaxBatchBytes))
            {
                _carried = request;
                break;
            }
            if (!request.TryTake())
            {
                continue;
            }
            batch.Add(request);
            events += request.Events.Count;
            bytes += request.PayloadBytes;
        }
        return batch;
    }

    private bool TryNext(out AppendRequest request)
    {
        if (_carried is { } carried)
        {
            _carried = null;
            request = carried;
            return true;
        }
        return _queue.Reader.TryRead(out request!);
    }

    /// <summary>
    /// Writes one batch and answers its callers; <paramref name="written"/> says how many times this batch was
    /// planned already and found its plan did not hold. Never throws.
    /// </summary>
    private async Task CommitAsync(IReadOnlyList<AppendRequest> batch, BatchTurn turn, int written = 0)
    {
        BatchPlan plan;
        try
        {
            plan = await _writer.WriteBatchAsync(batch, turn);
        }
        catch (HeadMovedException e)
        {
            turn.Planned();
            if (written >= MaxPlans)
            {
                foreach (var request in batch)
                {
                    request.Completion.TrySetException(new EventStoreException(
                        $"The append to stream '{request.StreamId}' was planned {MaxPlans + 1} times and each time another writer moved the event store's head first; nothing was written. Retry; if it keeps happening, look for a writer appending in a tight loop. Last: {e.Message}", e));
                }
                return;
            }
            // Nothing was written. Write it again after the previous batch settled, so batches stay in order.
            Interlocked.Increment(ref _plannedAgain);
            await turn.PreviousSettled;
            await CommitAsync(batch, BatchTurn.Again(), written + 1);
            return;
        }
        catch (EventStoreUnavailableException e)
        {
            turn.Planned();
            foreach (var request in batch)
            {
                request.Completion.TrySetException(new EventStoreUnavailableException(e.Message, e.InnerException, e.OutcomeUnknown));
            }
            return;
        }
        catch (Exception) when (batch.Count > 1)
        {
            turn.Planned();
            // The database refused the batch for a reason the planner could not foresee (say, a payload jsonb
            // rejects). Nothing of it was written; write the appends one by one so the bad one fails alone.
            await turn.PreviousSettled;
            foreach (var request in batch)
            {
                await CommitAsync([request], BatchTurn.Again());
            }
            return;
        }
        catch (Exception e)
        {
            turn.Planned();
            var request = batch[0];
            request.Completion.TrySetException(new EventStoreException($"The database refused the append to stream '{request.StreamId}': {e.Message}", e));
            return;
        }

        if (plan.Rows.Count > 0)
        {
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _events, plan.Rows.Count);
            _signal.Pulse();
        }
        for (var i = 0; i < batch.Count; i++)
        {
            var outcome = plan.Outcomes[i];
            if (outcome.Error is { } error)
            {
                batch[i].Completion.TrySetException(error);
            }
            else
            {
                batch[i].Completion.TrySetResult(outcome.Result!);
            }
        }
    }
}
