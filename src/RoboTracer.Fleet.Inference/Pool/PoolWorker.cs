using Polly;
using Polly.CircuitBreaker;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Grpc;
using RoboTracer.Fleet.Grpc.Client;
using RoboTracer.Fleet.Grpc.Health;
using RoboTracer.Fleet.Grpc.Services;
using ServingStatus = RoboTracer.Fleet.Contracts.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RoboTracer.Fleet.Inference.Pool;

/// <summary>What the pool knows of a worker's health.</summary>
public enum WorkerHealth
{
    /// <summary>Not heard from yet: eligible, after the workers known to serve.</summary>
    Unknown,
    /// <summary>Reported SERVING.</summary>
    Serving,
    /// <summary>Reported NOT_SERVING (warming up, draining) or unreachable.</summary>
    NotServing,
}

/// <summary>One worker as the pool sees it: its channel, calls in flight, health and circuit breaker.</summary>
internal sealed partial class PoolWorker : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly SpatialTracerClient _client;
    private readonly ResiliencePipeline<TraceResponse> _breaker;
    private readonly CircuitBreakerStateProvider _breakerState = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _logger;
    private readonly Task _watch;
    private int _outstanding;
    private volatile WorkerHealth _health;

    public PoolWorker(string address, TracePoolOptions options, ILogger logger)
    {
        Address = address;
        _logger = logger;
        _channel = GrpcChannel.ForAddress(address);
        _client = new SpatialTracerClient(_channel);
        _breaker = new ResiliencePipelineBuilder<TraceResponse>()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<TraceResponse>
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = Math.Max(2, options.BreakerMinimumThroughput),
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = options.BreakDuration,
                // The worker's own faults, not the request's: a bad request says nothing about the worker.
                ShouldHandle = new PredicateBuilder<TraceResponse>().Handle<RpcException>(e => e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown),
                StateProvider = _breakerState,
            })
            .Build();
        _watch = options.WatchHealth ? Task.Run(WatchHealthAsync) : Task.CompletedTask;
    }

    public string Address { get; }

    public int Outstanding => Volatile.Read(ref _outstanding);

    public WorkerHealth Health => _health;

    public bool CircuitOpen => _breakerState.CircuitState is CircuitState.Open or CircuitState.Isolated;

    /// <summary>Calls the worker through its breaker; an open circuit is UNAVAILABLE, so the call moves on.</summary>
    public async Task<TraceResponse> TraceAsync(TraceRequest request, DateTime deadline, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _outstanding);
        try
        {
            return await _breaker.ExecuteAsync(
                async token => await _client.TraceAsync(request, new CallOptions(Deadline: deadline, CancellationToken: token)),
                cancellationToken);
        }
        catch (BrokenCircuitException)
        {
            throw new RpcException(StatusCode.Unavailable, $"Worker {Address} is out of rotation after repeated failures (circuit open).");
        }
        finally
        {
            Interlocked.Decrement(ref _outstanding);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watch;
        _channel.Dispose();
        _stop.Dispose();
    }

    /// <summary>Follows Health/Watch; a broken watch marks the worker NOT_SERVING until it answers again.</summary>
    private async Task WatchHealthAsync()
    {
        var health = new HealthClient(_channel);
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var call = health.Watch(Worker.WorkerState.ServiceName, new CallOptions(CancellationToken: _stop.Token));
                await foreach (var update in call.ResponseStream.ReadAllAsync(_stop.Token))
                {
                    _health = update.Status == ServingStatus.Serving ? WorkerHealth.Serving : WorkerHealth.NotServing;
                    backoff = TimeSpan.FromMilliseconds(200);
                }
                _health = WorkerHealth.NotServing;
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                // Disposal: a cancelled call ends as RpcException(CANCELLED), not as OperationCanceledException.
                return;
            }
            catch (RpcException ex)
            {
                if (_health != WorkerHealth.NotServing)
                {
                    LogUnreachable(_logger, Address, ex.Status.Detail);
                }
                _health = WorkerHealth.NotServing;
            }
            try
            {
                await Task.Delay(backoff, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pool worker {Address} is unreachable: {Detail}")]
    private static partial void LogUnreachable(ILogger logger, string address, string detail);
}
