using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RoboTracer.Fleet.Inference.Pool;

/// <summary>What the pool knows of a worker's health.</summary>
public enum WorkerHealth
{
    /// <summary>Not heard from yet, or the worker has no health service: eligible, after the workers known to serve.</summary>
    Unknown,
    /// <summary>Reported SERVING.</summary>
    Serving,
    /// <summary>Reported NOT_SERVING (warming up, draining), or its health watch broke.</summary>
    NotServing,
}

/// <summary>
/// One worker address as the pool's balancer sees it: calls in flight on it (it is the call tracker of every call
/// picked for it), its health from <c>grpc.health.v1.Health/Watch</c> on a channel of its own, and until when it is
/// passed over after refusing a call.
/// </summary>
internal sealed partial class PoolWorker : ISubchannelCallTracker, IAsyncDisposable
{
    private readonly TracePoolOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watch;
    private int _outstanding;
    private long _refusedUntil;
    private volatile WorkerHealth _health;
    private TaskCompletionSource _retryWatch = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PoolWorker(string key, Uri address, TracePoolOptions options, TimeProvider time, ILogger logger)
    {
        Key = key;
        Address = address;
        _options = options;
        _time = time;
        _logger = logger;
        _watch = options.WatchHealth ? Task.Run(WatchHealthAsync) : Task.CompletedTask;
    }

    /// <summary>The worker's key, <c>host:port</c> in lower case (<see cref="KeyOf(string, int)"/>).</summary>
    public string Key { get; }

    public Uri Address { get; }

    public int Outstanding => Volatile.Read(ref _outstanding);

    public WorkerHealth Health => _health;

    /// <summary>True while the worker is passed over for having refused a call.</summary>
    public bool Refusing => _time.GetTimestamp() < Volatile.Read(ref _refusedUntil);

    public static string KeyOf(string host, int port) => $"{host.ToLowerInvariant()}:{port}";

    /// <summary>The worker said UNAVAILABLE or RESOURCE_EXHAUSTED, or could not be reached: pass it over for a while.</summary>
    public void MarkRefused()
    {
        var until = _time.GetTimestamp() + (long)(_options.RefusalCooldown.TotalSeconds * _time.TimestampFrequency);
        Volatile.Write(ref _refusedUntil, until);
    }

    void ISubchannelCallTracker.Start() => Interlocked.Increment(ref _outstanding);

    /// <remarks>
    /// Called when the response headers arrive, which for a unary call is when its answer does. Only a failure to
    /// reach the worker passes it over: a call that ends because its deadline passed or its caller gave up says
    /// nothing about the worker.
    /// </remarks>
    void ISubchannelCallTracker.Complete(CompletionContext context)
    {
        Interlocked.Decrement(ref _outstanding);
        if (context.Error is HttpRequestException or IOException or System.Net.Sockets.SocketException)
        {
            MarkRefused();
        }
    }

    /// <summary>The balancer has a connection to the worker: a broken health watch is retried now, not after its backoff.</summary>
    public void Connected()
    {
        if (_health == WorkerHealth.NotServing)
        {
            Volatile.Read(ref _retryWatch).TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watch;
        _stop.Dispose();
    }

    /// <summary>Follows Health/Watch; a broken watch marks the worker NOT_SERVING until it answers again.</summary>
    private async Task WatchHealthAsync()
    {
        using var channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions
        {
            Credentials = Address.Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,
            HttpHandler = new SocketsHttpHandler
            {
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                // A worker machine that vanishes without closing the connection must not freeze its last status.
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            },
        });
        var health = new Health.HealthClient(channel);
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var call = health.Watch(new HealthCheckRequest { Service = Worker.WorkerState.ServiceName }, cancellationToken: _stop.Token);
                await foreach (var update in call.ResponseStream.ReadAllAsync(_stop.Token))
                {
                    _health = update.Status == ServingStatus.Serving ? WorkerHealth.Serving : WorkerHealth.NotServing;
                    backoff = TimeSpan.FromMilliseconds(200);
                }
                // The worker ended the watch: it is stopping.
                _health = WorkerHealth.NotServing;
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                // Disposal: a cancelled call ends as RpcException(CANCELLED), not as OperationCanceledException.
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented)
            {
                LogNoHealthService(_logger, Address);
                _health = WorkerHealth.Unknown;
                return;
            }
            catch (Exception ex)
            {
                if (_health != WorkerHealth.NotServing)
                {
                    LogUnreachable(_logger, Address, ex is RpcException rpc ? rpc.Status.Detail : ex.Message);
                }
                _health = WorkerHealth.NotServing;
            }
            try
            {
                // Retried after the backoff, or at once when the balancer connects to the worker again.
                var retry = Interlocked.Exchange(ref _retryWatch, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                await Task.WhenAny(Task.Delay(backoff, _time, _stop.Token), retry.Task);
                _stop.Token.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pool worker {Address} is unreachable: {Detail}")]
    private static partial void LogUnreachable(ILogger logger, Uri address, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pool worker {Address} has no health service; it is balanced on its calls alone")]
    private static partial void LogNoHealthService(ILogger logger, Uri address);
}
