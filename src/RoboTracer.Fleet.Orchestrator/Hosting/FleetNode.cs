using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.Grains;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Grains.Runtime;
using RoboTracer.Fleet.Grains.Scene;
using RoboTracer.Fleet.Grains.Tasks;
using RoboTracer.Fleet.Inference.Pool;
using RoboTracer.Fleet.Orchestrator.Robots;
using RoboTracer.Fleet.Orchestrator.Telemetry;
using RoboTracer.Fleet.Orchestrator.Tracing;

namespace RoboTracer.Fleet.Orchestrator.Hosting;

/// <summary>
/// The silo: opens the event store (migrations included) before the endpoints listen, hosts the grains on it,
/// resumes every unfinished task, and on shutdown deactivates the grains before the store closes.
/// </summary>
internal sealed partial class FleetNode(
    IConfiguration configuration,
    IPlanner planner,
    RobotSessions sessions,
    TaskTelemetry telemetry,
    OrchestratorOptions options,
    ILoggerFactory loggerFactory,
    ILogger<FleetNode> logger) : IHostedLifecycleService, IAsyncDisposable
{
    private IEventStore? _store;
    private TracePool? _pool;
    private FrameCache? _frames;
    private GrainRuntime? _runtime;

    public IEventStore Store => _store ?? throw NotStarted();

    public IGrainFactory Grains => _runtime ?? throw NotStarted();

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var selection = StoreSelection.FromConfiguration(configuration);
        LogOpeningStore(selection.Describe());
        _store = await selection.OpenAsync(cancellationToken);
        _pool = TracePool.FromConfiguration(configuration, loggerFactory);
        _frames = new FrameCache(_store, options.FrameCacheBytes);
        var fleet = configuration.GetSection("Fleet");
        _runtime = new GrainRuntime(new GrainRuntimeOptions { NodeId = Environment.MachineName, LoggerFactory = loggerFactory })
            .AddFleetGrains(new FleetGrainServices
            {
                Store = _store,
                Planner = new TracedPlanner(planner, telemetry),
                Tracer = new PoolSpatialTracer(_frames, _pool, telemetry, options),
                RobotChannel = sessions,
                Robots = fleet.GetSection("Robots").Get<RobotOptions>() ?? new RobotOptions(),
                Tasks = fleet.GetSection("Tasks").Get<TaskOptions>() ?? new TaskOptions(),
                Scene = fleet.GetSection("Scene").Get<SceneMemoryOptions>() ?? new SceneMemoryOptions(),
            });
        if (options.ApiTokenGenerated)
        {
            LogGeneratedToken(options.ApiToken);
        }
        // Before the endpoints listen: no robot has a link to this process yet, whatever the history says. Marked
        // offline now, a robot's unfinished task waits for it to reconnect (and re-issues its step then) instead of
        // sending commands into the void and spending its attempts before the robot is back.
        var offline = 0;
        foreach (var robot in await _runtime.GetRobotDirectory().GetRobotsAsync())
        {
            var status = await _runtime.GetRobot(robot).GetStatusAsync();
            if (status.Connection == RobotConnection.Online)
            {
                await _runtime.GetRobot(robot).DisconnectAsync("the orchestrator restarted; waiting for the robot to reconnect");
                offline++;
            }
        }
        if (offline > 0)
        {
            LogRobotsAwaited(offline);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var resumed = await Grains.RecoverAsync(cancellationToken);
        LogRecovered(resumed.Count);
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        // Grains first: deactivation may still write events.
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
            _runtime = null;
        }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Fleet node started; resumed {Count} unfinished task(s)")]
    private partial void LogRecovered(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "FLEET_API_TOKEN is not set; mutating API calls need this generated token: {Token}")]
    private partial void LogGeneratedToken(string token);
}
