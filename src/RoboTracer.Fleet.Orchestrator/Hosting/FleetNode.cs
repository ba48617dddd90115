using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.Grains;
using RoboTracer.Fleet.Grains.Tracing;
using RoboTracer.Fleet.Inference.Pool;
using RoboTracer.Fleet.Orchestrator.Telemetry;
using RoboTracer.Fleet.Orchestrator.Tracing;

namespace RoboTracer.Fleet.Orchestrator.Hosting;

/// <summary>
/// The node's resources around its Orleans silo: opens the event store (migrations included, the cluster's tables
/// among them) before the silo starts, since the grains live on it; once the silo runs and before the endpoints
/// listen, resumes every unfinished task (and, when it is the only silo, first marks the robots that were online
/// offline); closes the store after the silo stopped.
/// </summary>
/// <remarks>
/// Registered after <c>UseOrleans</c>: hosted services start in registration order and the web server starts
/// last, so <see cref="StartAsync"/> finds the silo running and no robot connected yet.
/// </remarks>
internal sealed partial class FleetNode(
    IConfiguration configuration,
    IGrainFactory grains,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    TaskTelemetry telemetry,
    OrchestratorOptions options,
    ILoggerFactory loggerFactory,
    ILogger<FleetNode> logger) : IHostedLifecycleService, IAsyncDisposable
{
    private IEventStore? _store;
    private TracePool? _pool;
    private FrameCache? _frames;
    private PoolSpatialTracer? _tracer;

    public IEventStore Store => _store ?? throw NotStarted();

    /// <summary>The task grains' spatial tracer: the inference pool.</summary>
    public ISpatialTracer Tracer => _tracer ?? throw NotStarted();

    public IGrainFactory Grains => grains;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var selection = StoreSelection.FromConfiguration(configuration);
        LogOpeningStore(selection.Describe());
        _store = await selection.OpenAsync(cancellationToken);
        _pool = TracePool.FromConfiguration(configuration, loggerFactory);
        _frames = new FrameCache(_store, options.FrameCacheBytes);
        _tracer = new PoolSpatialTracer(_frames, _pool, telemetry, options);
        if (options.ApiTokenGenerated)
        {
            LogGeneratedToken(options.ApiToken);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var others = membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(silo.SiloAddress));
        if (others == 0)
        {
            await MarkRobotsOfflineAsync();
        }
        else
        {
            // Robots linked to the other silos are online; those that were linked to a silo that died reconnect, or
            // go offline when their heartbeats stay away.
            LogJoinedCluster(others);
        }
        var resumed = await grains.RecoverAsync(cancellationToken);
        LogRecovered(resumed.Count);
    }

    private async Task MarkRobotsOfflineAsync()
    {
        // Before the endpoints listen, the first silo of a cluster: no robot has a link to it yet, whatever the
        // history says. Marked offline now, a robot's unfinished task waits for it to reconnect (and re-issues its
        // step then) instead of sending commands into the void and spending its attempts before the robot is back.
        var offline = 0;
        foreach (var robot in await grains.GetRobotDirectory().GetRobotsAsync())
        {
            var status = await grains.GetRobot(robot).GetStatusAsync();
            if (status.Connection == RobotConnection.Online)
            {
                await grains.GetRobot(robot).DisconnectAsync("the orchestrator restarted; waiting for the robot to reconnect", link: null);
                offline++;
            }
        }
        if (offline > 0)
        {
            LogRobotsAwaited(offline);
        }
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // The silo stopped before this (it stops in reverse registration order): its grains wrote their last events.
    public async Task StoppedAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_pool is not null)
        {
            await _pool.DisposeAsync();
            _pool = null;
        }
        _frames?.Dispose();
        _frames = null;
        if (_store is not null)
        {
            await _store.DisposeAsync();
            _store = null;
        }
    }

    private static InvalidOperationException NotStarted() => new("The fleet node has not started (or has stopped).");

    [LoggerMessage(Level = LogLevel.Information, Message = "Opening the event store: {Store}")]
    private partial void LogOpeningStore(string store);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} robot(s) were online when the node last ran; offline until they reconnect")]
    private partial void LogRobotsAwaited(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Joined a cluster of {Others} other active silo(s); robots keep their links there")]
    private partial void LogJoinedCluster(int others);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fleet node started; resumed {Count} unfinished task(s)")]
    private partial void LogRecovered(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "FLEET_API_TOKEN is not set; mutating API calls need this generated token: {Token}")]
    private partial void LogGeneratedToken(string token);
}
