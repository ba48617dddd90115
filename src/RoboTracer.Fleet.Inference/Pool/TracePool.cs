using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.ServiceDiscovery;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.ServiceDefaults;

namespace RoboTracer.Fleet.Inference.Pool;

/// <summary>A worker as reported by <see cref="TracePool.Workers"/>.</summary>
public sealed record PoolWorkerStatus(string Address, WorkerHealth Health, bool Refusing, int Outstanding);

/// <summary>
/// The orchestrator's client of the inference pool: one Grpc.Net.Client channel over every worker, with the
/// <c>fleet_pool</c> balancer (<see cref="PoolPicker"/>: power of two choices on calls in flight among workers that
/// are not NOT_SERVING by their health watch) and a retry policy: UNAVAILABLE and RESOURCE_EXHAUSTED are retried,
/// up to <see cref="TracePoolOptions.MaxAttempts"/> attempts within the call's deadline, each on another worker
/// while one can take it (the picker passes over workers that just refused); INVALID_ARGUMENT and every other
/// status are the answer (retrying a bad request elsewhere gives the same answer). The deadline travels to the
/// worker as <c>grpc-timeout</c>. Workers come from <see cref="TracePoolOptions.Workers"/> and service discovery.
/// </summary>
public sealed class TracePool : IAsyncDisposable
{
    private readonly TracePoolOptions _options;
    private readonly PoolWorkers _workers;
    private readonly ServiceProvider _channelServices;
    private readonly ServiceProvider _balancing;
    private readonly GrpcChannel _channel;
    private readonly SpatialTracer.SpatialTracerClient _client;
    private readonly CancellationTokenSource _disposed = new();
    private readonly ServiceProvider? _ownedDiscovery;

    /// <summary>
    /// Connects to the workers and starts watching their health. Without <paramref name="discovery"/> only
    /// <see cref="TracePoolOptions.Workers"/> are used (see <see cref="FromConfiguration"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A setting is out of range, or no worker can ever be found.</exception>
    public TracePool(TracePoolOptions options, ILoggerFactory? loggerFactory = null, ServiceEndpointResolver? discovery = null)
        : this(options, loggerFactory, discovery, ownedDiscovery: null)
    {
    }

    private TracePool(TracePoolOptions options, ILoggerFactory? loggerFactory, ServiceEndpointResolver? discovery, ServiceProvider? ownedDiscovery)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        loggerFactory ??= NullLoggerFactory.Instance;
        _options = options;
        _ownedDiscovery = ownedDiscovery;
        _workers = new PoolWorkers(options, TimeProvider.System, loggerFactory.CreateLogger<TracePool>());

        var services = new ServiceCollection().AddSingleton(loggerFactory);
        if (discovery is null)
        {
            if (options.Workers.Count == 0)
            {
                throw new ArgumentException(PoolResolver.Describe(options), nameof(options));
            }
            // Nothing to discover: a discovery over empty configuration finds no service, leaving Pool:Workers.
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build()).AddServiceDiscoveryCore().AddConfigurationServiceEndpointProvider();
        }
        _channelServices = services.BuildServiceProvider();
        discovery ??= _channelServices.GetRequiredService<ServiceEndpointResolver>();
        _balancing = new ServiceCollection()
            .AddSingleton<ResolverFactory>(new PoolResolverFactory(options, discovery))
            .AddSingleton<LoadBalancerFactory>(new PoolBalancerFactory(_workers))
            .BuildServiceProvider();
        _channel = GrpcChannel.ForAddress($"{PoolResolverFactory.Scheme}:///", new GrpcChannelOptions
        {
            Credentials = options.Tls ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,
            ServiceProvider = _balancing,
            LoggerFactory = loggerFactory,
            HttpHandler = new WorkerFeedbackHandler(_workers)
            {
                InnerHandler = new SocketsHttpHandler
                {
                    EnableMultipleHttp2Connections = true,
                    PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                    // A worker that vanishes without closing its connection is noticed, and its calls fail over.
                    KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                    KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                },
            },
            MaxReceiveMessageSize = GrpcDefaults.MaxMessageSize,
            MaxSendMessageSize = GrpcDefaults.MaxMessageSize,
            // A retry resends the request, which must stay buffered until the call commits: a frame and its depth
            // are well over the 1 MiB a call may buffer by default, past which a call is never retried.
            MaxRetryBufferPerCallSize = GrpcDefaults.MaxMessageSize,
            MaxRetryBufferSize = 16L * GrpcDefaults.MaxMessageSize,
            ServiceConfig = ServiceConfigOf(options),
        });
        _client = new SpatialTracer.SpatialTracerClient(_channel);
        // Connect now, so the health watches start and the first call finds the workers connected.
        _ = _channel.ConnectAsync(_disposed.Token).ContinueWith(static t => t.Exception, TaskScheduler.Default);
    }

    /// <summary>
    /// A pool over <c>Pool</c> in <paramref name="configuration"/>: <c>Pool:Workers</c> and the services of
    /// <c>Pool:Services</c> found in <c>services:{name}:grpc</c> (Microsoft.Extensions.ServiceDiscovery).
    /// </summary>
    /// <exception cref="ArgumentException">A setting is out of range, or no worker is configured either way.</exception>
    public static TracePool FromConfiguration(IConfiguration configuration, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = TracePoolOptions.FromConfiguration(configuration);
        if (options.Workers.Count == 0 && !options.Services.Any(service => configuration.GetSection($"services:{service}:grpc").Exists()))
        {
            throw new ArgumentException(PoolResolver.Describe(options), nameof(configuration));
        }
        var discovery = new ServiceCollection()
            .AddSingleton(configuration)
            .AddSingleton(loggerFactory ?? NullLoggerFactory.Instance)
            .AddServiceDiscoveryCore()
            .AddConfigurationServiceEndpointProvider()
            .BuildServiceProvider();
        return new TracePool(options, loggerFactory, discovery.GetRequiredService<ServiceEndpointResolver>(), discovery);
    }

    /// <summary>The workers as the pool sees them now.</summary>
    public IReadOnlyList<PoolWorkerStatus> Workers => [.. _workers.All.Select(w => new PoolWorkerStatus(w.Address.ToString(), w.Health, w.Refusing, w.Outstanding))];

    /// <summary>
    /// Traces <paramref name="request"/> on the pool. <paramref name="deadline"/> (UTC) bounds every attempt and
    /// the waits between them; when null the pool's default timeout applies. Failures are <see cref="RpcException"/>
    /// with the status of the last attempt (DEADLINE_EXCEEDED when the deadline passed, CANCELLED when
    /// <paramref name="cancellationToken"/> fired).
    /// </summary>
    public async Task<TraceResponse> TraceAsync(TraceRequest request, DateTime? deadline = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var due = deadline ?? DateTime.UtcNow + _options.DefaultTimeout;
        return await _client.TraceAsync(request, new CallOptions(deadline: due, cancellationToken: cancellationToken));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        _channel.Dispose();
        await _workers.DisposeAsync();
        await _balancing.DisposeAsync();
        await _channelServices.DisposeAsync();
        if (_ownedDiscovery is not null)
        {
            await _ownedDiscovery.DisposeAsync();
        }
        _disposed.Dispose();
    }

    private static ServiceConfig ServiceConfigOf(TracePoolOptions options)
    {
        var config = new ServiceConfig { LoadBalancingConfigs = { new LoadBalancingConfig(PoolBalancerFactory.PolicyName) } };
        if (options.MaxAttempts > 1)
        {
            config.MethodConfigs.Add(new MethodConfig
            {
                Names = { MethodName.Default },
                RetryPolicy = new RetryPolicy
                {
                    MaxAttempts = options.MaxAttempts,
                    InitialBackoff = options.RetryDelay,
                    MaxBackoff = options.RetryDelay * 16,
                    BackoffMultiplier = 2,
                    RetryableStatusCodes = { StatusCode.Unavailable, StatusCode.ResourceExhausted },
                },
            });
        }
        return config;
    }
}
