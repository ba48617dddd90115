using Grpc.Core;
using Grpc.HealthCheck;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RoboTracer.Fleet.Inference.Worker;

/// <summary>
/// Whether the worker takes requests: NOT_SERVING while it warms up, SERVING, then NOT_SERVING again from the moment
/// the host starts stopping (in-flight requests finish; new ones get UNAVAILABLE so the pool client retries
/// elsewhere).
/// </summary>
/// <remarks>
/// The health service says the same. Check runs the health checks, and <see cref="WorkerHealthCheck"/> reads this
/// state; Watch streams are fed by <see cref="HealthServiceImpl"/>, which the health check publisher updates only
/// every period, so each change is also pushed to it here at once (for "" and <see cref="ServiceName"/>, whose
/// other checks never fail in a worker).
/// </remarks>
public sealed class WorkerState(HealthServiceImpl health, CancellationToken stopping)
{
    /// <summary>The health service name the worker reports under.</summary>
    public const string ServiceName = "robotracer.v1.SpatialTracer";

    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _phase;
    private int _inFlight;
    private string? _failure;

    private const int Warming = 0;
    private const int Serving = 1;
    private const int Draining = 2;
    private const int Failed = 3;

    /// <summary>Requests being served now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>True while requests are admitted: warm, and the host is not stopping.</summary>
    public bool IsServing => Volatile.Read(ref _phase) == Serving && !stopping.IsCancellationRequested;

    /// <summary>Why requests are refused now, or null while <see cref="IsServing"/>.</summary>
    public string? RefusalReason => Volatile.Read(ref _phase) switch
    {
        Warming => "Worker is warming up; retry on another worker.",
        Serving when !stopping.IsCancellationRequested => null,
        Failed => _failure,
        _ => "Worker is draining for shutdown; retry on another worker.",
    };

    /// <summary>Marks the worker NOT_SERVING until <see cref="MarkServing"/>.</summary>
    public void MarkWarming() => Publish(ServingStatus.NotServing);

    /// <summary>Warm-up is done: take requests.</summary>
    public void MarkServing()
    {
        if (Interlocked.CompareExchange(ref _phase, Serving, Warming) == Warming && !stopping.IsCancellationRequested)
        {
            Publish(ServingStatus.Serving);
        }
    }

    /// <summary>
    /// Warm-up failed (a backend could not load its model): the worker stays NOT_SERVING for good, and refuses
    /// requests with <paramref name="reason"/>. Only from warming; a drain that began first keeps its own reason.
    /// </summary>
    public void MarkFailed(string reason)
    {
        Volatile.Write(ref _failure, reason);
        Interlocked.CompareExchange(ref _phase, Failed, Warming);
    }

    /// <summary>Stops taking requests and completes when the last in-flight one has finished.</summary>
    public Task DrainAsync()
    {
        Volatile.Write(ref _phase, Draining);
        Publish(ServingStatus.NotServing);
        if (Volatile.Read(ref _inFlight) == 0)
        {
            _idle.TrySetResult();
        }
        return _idle.Task;
    }

    /// <summary>Admits one request, or throws UNAVAILABLE while warming or stopping. Dispose the lease when done.</summary>
    /// <remarks>
    /// The host's stopping token is read here too: a stop that begins with <c>StopApplication</c> (Ctrl-C, SIGTERM)
    /// fires it, and with it the end of the health Watch streams, before the lifecycle's drain runs; a client that
    /// heard NOT_SERVING must not be admitted in between.
    /// </remarks>
    public Lease Admit()
    {
        Interlocked.Increment(ref _inFlight);
        if (RefusalReason is { } reason)
        {
            Release();
            throw new RpcException(new Status(StatusCode.Unavailable, reason));
        }
        return new Lease(this);
    }

    private void Publish(ServingStatus status)
    {
        health.SetStatus("", status);
        health.SetStatus(ServiceName, status);
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _phase) == Draining)
        {
            _idle.TrySetResult();
        }
    }

    /// <summary>One admitted request.</summary>
    public readonly struct Lease(WorkerState state) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => state.Release();
    }
}
