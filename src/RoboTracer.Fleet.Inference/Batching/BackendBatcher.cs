using System.Threading.Channels;
using Grpc.Core;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Backends;

namespace RoboTracer.Fleet.Inference.Batching;

/// <summary>
/// The queue in front of one backend: requests wait in a bounded line and leave in batches of up to
/// <see cref="BatcherOptions.MaxBatchSize"/>, formed from whatever is waiting plus what arrives until the oldest of them
/// has waited <see cref="BatcherOptions.MaxQueueDelay"/>. A request whose deadline passes or whose caller
/// cancels while it waits (in the line or in a batch still forming) is dropped and never reaches the backend.
/// </summary>
public sealed partial class BackendBatcher : IAsyncDisposable
{
    private readonly ITraceBackend _backend;
    private readonly BatcherOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<PendingJob> _line = Channel.CreateUnbounded<PendingJob>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _executors;
    private readonly InferenceMetrics _metrics;
    private int _waiting;
    private int _disposed;

    /// <summary>Starts <see cref="BatcherOptions.MaxConcurrentBatches"/> executors for <paramref name="backend"/>.</summary>
    public BackendBatcher(ITraceBackend backend, BatcherOptions options, InferenceMetrics metrics, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } error)
        {
            throw new ArgumentException($"Batching options of backend '{backend.Name}': {error}", nameof(options));
        }
        _backend = backend;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _metrics.ObserveQueue(backend.Name, () => Volatile.Read(ref _waiting));
        _executors = Enumerable.Range(0, options.MaxConcurrentBatches).Select(_ => Task.Run(ExecuteAsync)).ToArray();
    }

    /// <summary>The backend this batcher feeds.</summary>
    public ITraceBackend Backend => _backend;

    /// <summary>Requests waiting now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>
    /// Queues a job and completes with its trace. Throws RESOURCE_EXHAUSTED when the line is full, and
    /// DEADLINE_EXCEEDED / CANCELLED when <paramref name="cancellationToken"/> fires first (the call's token
    /// carries its deadline).
    /// </summary>
    public async Task<TraceResponse> TraceAsync(TraceJob job, Func<bool> deadlineExceeded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadlineExceeded);
        if (Interlocked.Increment(ref _waiting) > _options.QueueCapacity)
        {
            Interlocked.Decrement(ref _waiting);
            _metrics.Rejected(_backend.Name);
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"Backend '{_backend.Name}' has {_options.QueueCapacity} requests waiting, its limit; retry on another worker or later."));
        }
        var pending = new PendingJob(job, _time.GetTimestamp(), () => Interlocked.Decrement(ref _waiting));
        if (!_line.Writer.TryWrite(pending))
        {
            Interlocked.Decrement(ref _waiting);
            throw new RpcException(new Status(StatusCode.Unavailable, $"Backend '{_backend.Name}' is shutting down."));
        }
        try
        {
            // WaitAsync: a job already in a running batch still answers at its deadline, not when the batch ends.
            return await pending.Result.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Withdraw the job here, not in a token callback: WaitAsync's own callback may run first and unwind this
            // method, disposing such a registration before it fires, and the expired job would still be served.
            pending.Abandon();
            throw deadlineExceeded()
                ? new RpcException(new Status(StatusCode.DeadlineExceeded, $"Deadline exceeded while waiting for backend '{_backend.Name}'."))
                : new RpcException(new Status(StatusCode.Cancelled, "Call cancelled while waiting for the backend."));
        }
    }

    /// <summary>Stops taking jobs and lets the executors finish the jobs already queued. Safe to call again.</summary>
    public async ValueTask DisposeAsync()
    {
        _line.Writer.TryComplete();
        await Task.WhenAll(_executors);
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // The host's drain and the DI container both dispose the registry: the second call must be harmless.
            await _stopping.CancelAsync();
            _stopping.Dispose();
            // Every executor has finished: no batch can be using the backend's resources (model sessions) now.
            (_backend as IDisposable)?.Dispose();
        }
    }

    private async Task ExecuteAsync()
    {
        var reader = _line.Reader;
        var batch = new List<PendingJob>(_options.MaxBatchSize);
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            if (!TryTakeLive(reader, batch))
            {
                continue;
            }
            // The first job is in hand: it may wait for batch mates until MaxQueueDelay after it arrived, unless the
            // batch is already full. Counted from its arrival, not from now: a job that queued behind a running batch
            // has already waited, and holding the backend idle for a window on top of that only adds latency (at 80%
            // load of the pool bench the worker is busy most of the time, and a fresh window per batch cost each
            // worker 2 ms of idle backend per batch; BENCHMARKS.md "pool").
            var windowLeft = _options.MaxQueueDelay - _time.GetElapsedTime(batch[0].EnqueuedAt);
            if (batch.Count < _options.MaxBatchSize && windowLeft > TimeSpan.Zero)
            {
                using var window = new CancellationTokenSource(windowLeft, _time);
                try
                {
                    while (batch.Count < _options.MaxBatchSize && await reader.WaitToReadAsync(window.Token))
                    {
                        TryTakeLive(reader, batch);
                    }
                }
                catch (OperationCanceledException) when (window.IsCancellationRequested)
                {
                    // The window closed: run what we have.
                }
            }
            // A job whose caller gave up while the batch formed is dropped here, before the backend sees it.
            batch.RemoveAll(pending => !pending.TryRun());
            if (batch.Count > 0)
            {
                await RunBatchAsync(batch);
            }
        }
    }

    /// <summary>Moves waiting jobs into <paramref name="batch"/>, dropping the abandoned ones.</summary>
    private bool TryTakeLive(ChannelReader<PendingJob> reader, List<PendingJob> batch)
    {
        while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var pending))
        {
            if (pending.TryTake())
            {
                batch.Add(pending);
            }
        }
        return batch.Count > 0;
    }

    private async Task RunBatchAsync(List<PendingJob> batch)
    {
        var started = _time.GetTimestamp();
        var jobs = batch.Select(p => p.Job).ToList();
        IReadOnlyList<TraceResult> results;
        try
        {
            results = await _backend.TraceBatchAsync(jobs, _stopping.Token);
            if (results.Count != jobs.Count)
            {
                throw new InvalidOperationException($"Backend '{_backend.Name}' returned {results.Count} results for a batch of {jobs.Count}.");
            }
        }
        catch (Exception ex)
        {
            LogBatchFailed(_logger, _backend.Name, batch.Count, ex);
            var status = new Status(StatusCode.Internal, $"Backend '{_backend.Name}' failed: {ex.Message}");
            results = jobs.Select(_ => new TraceResult(null, status)).ToList();
        }
        var inferenceMs = _time.GetElapsedTime(started).TotalMilliseconds;
        _metrics.BatchCompleted(_backend.Name, batch.Count, inferenceMs);
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            var queueMs = _time.GetElapsedTime(pending.EnqueuedAt, started).TotalMilliseconds;
            var result = results[i];
            if (result.Response is { } response)
            {
                response.Timings = new Timings { QueueMs = queueMs, InferenceMs = inferenceMs, BatchSize = (uint)batch.Count };
                response.Backend = _backend.Name;
                if (response.Model.Length == 0)
                {
                    response.Model = _backend.Model;
                }
                _metrics.RequestCompleted(_backend.Name, queueMs + inferenceMs, "ok");
                pending.Complete(response);
            }
            else
            {
                var error = result.Error ?? new Status(StatusCode.Internal, $"Backend '{_backend.Name}' returned neither a trace nor an error.");
                _metrics.RequestCompleted(_backend.Name, queueMs + inferenceMs, error.StatusCode.ToString());
                pending.Fail(new RpcException(error));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Backend {Backend} failed a batch of {Count}")]
    private static partial void LogBatchFailed(ILogger logger, string backend, int count, Exception exception);

    /// <summary>
    /// A job in the line: Waiting, then Taken into a forming batch, then Running in the backend; or Abandoned by its
    /// caller while Waiting or Taken. Exactly one of "the caller gave up" and "the backend got it" wins, so a job is
    /// never both dropped and run. Leaving Waiting, either way, frees its place in the queue once.
    /// </summary>
    private sealed class PendingJob(TraceJob job, long enqueuedAt, Action leftQueue)
    {
        private const int Waiting = 0;
        private const int Taken = 1;
        private const int Running = 2;
        private const int Abandoned = 3;
        private readonly TaskCompletionSource<TraceResponse> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _state;

        public TraceJob Job { get; } = job;

        public long EnqueuedAt { get; } = enqueuedAt;

        public Task<TraceResponse> Result => _result.Task;

        public bool TryTake()
        {
            if (Interlocked.CompareExchange(ref _state, Taken, Waiting) != Waiting)
            {
                return false;
            }
            leftQueue();
            return true;
        }

        public bool TryRun() => Interlocked.CompareExchange(ref _state, Running, Taken) == Taken;

        public void Abandon()
        {
            var state = Volatile.Read(ref _state);
            while (state is Waiting or Taken)
            {
                var seen = Interlocked.CompareExchange(ref _state, Abandoned, state);
                if (seen == state)
                {
                    if (state == Waiting)
                    {
                        leftQueue();
                    }
                    _result.TrySetCanceled();
                    return;
                }
                state = seen;
            }
        }

        public void Complete(TraceResponse response) => _result.TrySetResult(response);

        public void Fail(Exception exception) => _result.TrySetException(exception);
    }
}
