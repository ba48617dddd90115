using System.Threading.Channels;

namespace RoboTracer.Fleet.EventStore.GroupCommit;

/// <summary>
/// Group commit: callers enqueue appends; one loop takes everything that queued up while the previous
/// transaction was busy (up to the batch limits) and writes it as one transaction. Under load one commit, and
/// one fsync, acknowledges hundreds of appends; with no load an append is written at once, with no added delay.
/// Each caller is answered only after its batch committed.
/// </summary>
/// <remarks>
/// With <see cref="IBatchWriter.MaxConcurrentBatches"/> = 2 the next batch starts as soon as the current one
/// reaches its commit: its request for the append lock then waits inside the database and runs the moment the
/// lock is free, instead of a client round trip later. Batches still take the lock one at a time, so commit
/// order stays position order; at most two are in flight.
/// </remarks>
internal sealed class GroupCommitter : IAsyncDisposable
{
    private readonly Channel<AppendRequest> _queue = Channel.CreateUnbounded<AppendRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IBatchWriter _writer;
    private readonly EventStoreOptions _options;
    private readonly WakeSignal _signal;
    private readonly Task _loop;
    private AppendRequest? _carried;
    private long _batches;
    private long _events;

    public GroupCommitter(IBatchWriter writer, EventStoreOptions options, WakeSignal signal)
    {
        _writer = writer;
        _options = options;
        _signal = signal;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Transactions that committed events, and the events they committed (for tests and benchmarks).</summary>
    public (long Batches, long Events) Statistics => (Interlocked.Read(ref _batches), Interlocked.Read(ref _events));

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
        Task previous = Task.CompletedTask;
        while (_carried is not null || await _queue.Reader.WaitToReadAsync())
        {
            var batch = TakeBatch();
            if (batch.Count == 0)
            {
                continue;
            }
            var committing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var current = CommitAsync(batch, () => committing.TrySetResult());
            await previous;
            if (_writer.MaxConcurrentBatches > 1)
            {
                await Task.WhenAny(committing.Task, current);
                previous = current;
            }
            else
            {
                await current;
            }
        }
        await previous;
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

    private async Task CommitAsync(IReadOnlyList<AppendRequest> batch, Action? onCommitting = null)
    {
        BatchPlan plan;
        try
        {
            plan = await _writer.WriteBatchAsync(batch, onCommitting ?? (() => { }));
        }
        catch (EventStoreUnavailableException e)
        {
            onCommitting?.Invoke();
            foreach (var request in batch)
            {
                request.Completion.TrySetException(new EventStoreUnavailableException(e.Message, e.InnerException, e.OutcomeUnknown));
            }
            return;
        }
        catch (Exception) when (batch.Count > 1)
        {
            onCommitting?.Invoke();
            // The database refused the batch for a reason the planner could not foresee (say, a payload jsonb
            // rejects). Nothing of it was written; write the appends one by one so the bad one fails alone.
            foreach (var request in batch)
            {
                await CommitAsync([request]);
            }
            return;
        }
        catch (Exception e)
        {
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
