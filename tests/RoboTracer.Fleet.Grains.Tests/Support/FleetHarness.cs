using Microsoft.Extensions.Time.Testing;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Tasks;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.Grains.Robots;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Grains.Tracing;
using RoboTracer.Fleet.Grains.Tasks;

namespace RoboTracer.Fleet.Grains.Tests.Support;

/// <summary>
/// A fleet node for scenario tests: a SQLite store in a temp file, a fake clock for the grains, the fake planner,
/// tracer and robots, and the fleet's grains on a one-silo in-process Orleans cluster. <see cref="RestartAsync"/>
/// throws the cluster away and starts a new one on the same file, as a process restart would.
/// </summary>
public sealed class FleetHarness : IAsyncDisposable
{
    public static readonly SceneId Table = new("table");

    public static readonly AxisAlignedBox3D Workspace = new(new Point3D(-1, -1, 0), new Point3D(1, 1, 2));

    private readonly TempStore _temp;
    private readonly List<TaskId> _submitted = [];

    private FleetHarness(TempStore temp, IEventStore store)
    {
        _temp = temp;
        Store = store;
        Events = new EventLog(store);
    }

    public FakeTimeProvider Clock { get; } = new();

    public FakePlanner Planner { get; } = new();

    public FakeTracer Tracer { get; } = new();

    public FakeRobots Robots { get; } = new();

    /// <summary>The grains' instruments, on a meter of this harness alone.</summary>
    public FleetMetrics Metrics { get; } = new();

    public IEventStore Store { get; private set; }

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>Calls grains as a client of the cluster does.</summary>
    public IGrainFactory Grains => Cluster.Client;

    public EventLog Events { get; private set; }

    public RobotOptions RobotOptions { get; } = new() { HeartbeatTimeout = TimeSpan.FromSeconds(5), HeartbeatCheckInterval = TimeSpan.FromSeconds(1) };

    public TaskOptions TaskOptions { get; } = new() { WatchdogInterval = TimeSpan.FromSeconds(1), ReassignAfterDisconnect = TimeSpan.FromSeconds(4), StepTimeout = TimeSpan.FromSeconds(20), WaitForFirstFrame = false };

    public static async Task<FleetHarness> StartAsync()
    {
        var (temp, store) = await TempStore.CreateAsync();
        var harness = new FleetHarness(temp, store);
        harness.Cluster = await harness.StartClusterAsync();
        return harness;
    }

    /// <summary>The robots' link: <see cref="Robots"/> as a grain observer of the cluster's client.</summary>
    public IRobotLink Link { get; private set; } = null!;

    public IRobotGrain Robot(string id) => Grains.GetRobot(new RobotId(id));

    public ITaskGrain Task(TaskId id) => Grains.GetTask(id);

    public static RobotCapabilities Capabilities(params string[] actions) =>
        new(RobotKind.Arm, Workspace, 0.9, 2, new HashSet<string>(actions.Length == 0 ? ["pick", "place", "push", "wipe", "open", "close"] : actions));

    public async Task<IRobotGrain> RegisterRobotAsync(string id, double battery = 0.8, params string[] actions)
    {
        var robot = Robot(id);
        await robot.RegisterAsync(new RobotRegistration(Capabilities(actions), Table), Link);
        await robot.HeartbeatAsync(new RobotHeartbeat(battery), Link);
        return robot;
    }

    public async Task<(TaskId Id, TaskStatusView Status)> SubmitAsync(string instruction, string? robot = null)
    {
        var id = TaskId.New();
        _submitted.Add(id);
        var status = await Task(id).SubmitAsync(new TaskSubmission(instruction, robot is null ? null : new RobotId(robot), Table));
        return (id, status);
    }

    /// <summary>
    /// Advances the clock one second at a time, sending a heartbeat for each of <paramref name="alive"/> after each
    /// second. A grain timer that fell due runs as a message of its grain, after the clock moved: a call to every
    /// submitted task after each second lets their watchdogs run before the clock moves on.
    /// </summary>
    public async Task AdvanceAsync(TimeSpan by, params string[] alive)
    {
        for (var t = TimeSpan.Zero; t < by; t += TimeSpan.FromSeconds(1))
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            foreach (var robot in alive)
            {
                await Robot(robot).HeartbeatAsync(new RobotHeartbeat(), Link);
            }
            foreach (var task in _submitted)
            {
                await Task(task).GetStatusAsync();
            }
        }
    }

    /// <summary>Stops the node and starts it again on the same store; <paramref name="whileDown"/> runs in between.</summary>
    public async Task RestartAsync(Func<IEventStore, Task>? whileDown = null)
    {
        await StopClusterAsync();
        await Events.DisposeAsync();
        await Store.DisposeAsync();
        Store = await _temp.OpenAsync();
        if (whileDown is not null)
        {
            await whileDown(Store);
        }
        Cluster = await StartClusterAsync();
        Events = new EventLog(Store);
    }

    public async ValueTask DisposeAsync()
    {
        await StopClusterAsync();
        await Events.DisposeAsync();
        await _temp.DisposeAsync();
        Metrics.Dispose();
    }

    private async Task<InProcessTestCluster> StartClusterAsync()
    {
        var store = Store;
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddFleetGrains(RobotOptions, TaskOptions);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton(store);
            silo.Services.AddSingleton(Metrics);
            silo.Services.AddSingleton<IPlanner>(Planner);
            silo.Services.AddSingleton<ISpatialTracer>(Tracer);
            // The grains' clock only: the silo's own loops (membership, collection) keep real time.
            silo.Services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Grains, Clock);
            silo.Services.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromHours(1));
        });
        builder.ConfigureClient(client => client.Services.AddFleetSerialization());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        Robots.Grains = cluster.Client;
        Link = cluster.Client.CreateObjectReference<IRobotLink>(Robots);
        return cluster;
    }

    private async Task StopClusterAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
