using RoboTracer.Fleet.Grpc;
using RoboTracer.Fleet.Grpc.Health;
using ServingStatus = RoboTracer.Fleet.Contracts.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RoboTracer.Fleet.Inference.Worker;

/// <summary>
/// Whether the worker takes requests: NOT_SERVING while it warms up, SERVING, then NOT_SERVING again while it
/// drains on shutdown (in-flight requests finish; new ones get UNAVAILABLE so the pool client retries elsewhere).
/// The health service reports the same state.
/// </summary>
public sealed class WorkerState(HealthStatusRegistry health)
{
    /// <summary>The health service name the worker reports under.</summary>
    public const string ServiceName = "robotracer.v1.SpatialTracer";

    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _phase;
    private int _inFlight;

    private const int Warming = 0;
    private const int Serving = 1;
    private const int Draining = 2;

    /// <summary>Requests being served now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Marks the worker NOT_SERVING until <see cref="MarkServing"/>.</summary>
    public void MarkWarming()
    {
        health.SetStatus("", ServingStatus.NotServing);
        health.SetStatus(ServiceName, ServingStatus.NotServing);
    }

    /// <summary>Warm-up is done: take requests.</summary>
    public void MarkServing()
    {
        Interlocked.CompareExchange(ref _phase, Serving, Warming);
        health.SetStatus("", ServingStatus.Serving);
        health.SetStatus(ServiceName, ServingStatus.Serving);
    }

    /// <summary>Stops taking requests and completes when the last in-flight one has finished.</summary>
    public Task DrainAsync()
    {
        Volatile.Write(ref _phase, Draining);
        health.SetAll(ServingStatus.NotServing);
        if (Volatile.Read(ref _inFlight) == 0)
        {
            _idle.TrySetResult();
        }
        return _idle.Task;
    }

    /// <summary>Admits one request, or throws UNAVAILABLE while warming or draining. Dispose the lease when done.</summary>
    public Lease Admit()
    {
        Interlocked.Increment(ref _inFlight);
        var phase = Volatile.Read(ref _phase);
        if (phase != Serving)
        {
            Release();
            throw new RpcException(StatusCode.Unavailable, phase == Warming
                ? "Worker is warming up; retry on another worker."
                : "Worker is draining for shutdown; retry on another worker.");
        }
        return new Lease(this);
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
