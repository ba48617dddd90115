using Polly;
using Polly.Retry;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Grpc;

namespace RoboTracer.Fleet.Inference.Pool;

/// <summary>A worker as reported by <see cref="TracePool.Workers"/>.</summary>
public sealed record PoolWorkerStatus(string Address, WorkerHealth Health, bool CircuitOpen, int Outstanding);

/// <summary>
/// The orchestrator's client of the inference pool. Each call goes to the less loaded of two random eligible
/// workers (power of two choices on calls in flight), eligible meaning not NOT_SERVING by its health watch and
/// not cut off by its circuit breaker. UNAVAILABLE and RESOURCE_EXHAUSTED are retried on another worker within
/// the call's deadline; INVALID_ARGUMENT and every other status are the answer (retrying a bad request elsewhere
/// gives the same answer). The deadline travels to the worker as <c>grpc-timeout</c>.
/// </summary>
public sealed class TracePool : IAsyncDisposable
{
    private readonly TracePoolOptions _options;
    private readonly PoolWorker[] _workers;
    private readonly ResiliencePipeline<TraceResponse> _retry;

    /// <summary>Connects to the configured workers and starts watching their health.</summary>
    public TracePool(TracePoolOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Workers.Count == 0)
        {
            throw new ArgumentException("The pool has no workers: set Pool:Workers or services__pool__grpc__0.", nameof(options));
        }
        _options = options;
        var logger = (loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger<TracePool>();
        _workers = options.Workers.Select(address => new PoolWorker(address, options, logger)).ToArray();
        _retry = new ResiliencePipelineBuilder<TraceResponse>()
            .AddRetry(new RetryStrategyOptions<TraceResponse>
            {
                MaxRetryAttempts = Math.Max(0, options.MaxAttempts - 1),
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder<TraceResponse>().Handle<RpcException>(e => e.StatusCode is StatusCode.Unavailable or StatusCode.ResourceExhausted),
            })
            .Build();
    }

    /// <summary>The workers as the pool sees them now.</summary>
    public IReadOnlyList<PoolWorkerStatus> Workers => _workers.Select(w => new PoolWorkerStatus(w.Address, w.Health, w.CircuitOpen, w.Outstanding)).ToList();

    /// <summary>
    /// Traces <paramref name="request"/> on the pool. <paramref name="deadline"/> (UTC) bounds every attempt and
    /// the waits between them; when null the pool's default timeout applies.
    /// </summary>
    public async Task<TraceResponse> TraceAsync(TraceRequest request, DateTime? deadline = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var due = deadline ?? DateTime.UtcNow + _options.DefaultTimeout;
        var tried = new HashSet<PoolWorker>();
        using var withinDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var remaining = due - DateTime.UtcNow;
        withinDeadline.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        try
        {
            return await _retry.ExecuteAsync(async token =>
            {
                var worker = Pick(tried);
                tried.Add(worker);
                return await worker.TraceAsync(request, due, token);
            }, withinDeadline.Token);
        }
        catch (Exception ex) when (withinDeadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested
            && ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            // The deadline fired this token, and the channel reports a call whose token fires as CANCELLED, the
            // caller's view; the caller did not cancel, so it is the deadline.
            throw new RpcException(StatusCode.DeadlineExceeded, $"No worker answered before the deadline (tried {tried.Count}).");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await Task.WhenAll(_workers.Select(w => w.DisposeAsync().AsTask()));

    /// <summary>
    /// Power of two choices among the best eligible tier (SERVING, then UNKNOWN), preferring workers not yet tried
    /// for this call. When every worker is out, UNAVAILABLE.
    /// </summary>
    private PoolWorker Pick(HashSet<PoolWorker> tried)
    {
        var eligible = _workers.Where(w => !w.CircuitOpen && w.Health != WorkerHealth.NotServing).ToList();
        var fresh = eligible.Where(w => !tried.Contains(w)).ToList();
        var candidates = fresh.Count > 0 ? fresh : eligible;
        var serving = candidates.Where(w => w.Health == WorkerHealth.Serving).ToList();
        if (serving.Count > 0)
        {
            candidates = serving;
        }
        if (candidates.Count == 0)
        {
            throw new RpcException(StatusCode.Unavailable, $"No pool worker is available: {string.Join(", ", _workers.Select(w => $"{w.Address} {(w.CircuitOpen ? "circuit open" : w.Health.ToString())}"))}.");
        }
        if (candidates.Count == 1)
        {
            return candidates[0];
        }
        var first = Random.Shared.Next(candidates.Count);
        var second = Random.Shared.Next(candidates.Count - 1);
        if (second >= first)
        {
            second++;
        }
        return candidates[first].Outstanding <= candidates[second].Outstanding ? candidates[first] : candidates[second];
    }
}
