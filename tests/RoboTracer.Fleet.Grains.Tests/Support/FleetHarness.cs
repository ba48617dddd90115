using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Tasks;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Grains.Runtime;
using RoboTracer.Fleet.Grains.Tasks;

namespace RoboTracer.Fleet.Grains.Tests.Support;

/// <summary>
/// A fleet node for scenario tests: a SQLite store in a temp file, a fake clock, the fake planner, tracer and
/// robots, and the fleet's grains on a runtime. <see cref="RestartAsync"/> throws the node away and builds a new
/// one on the same file, as a process restart would.
/// </summary>
public sealed class FleetHarness : IAsyncDisposable
{
    public static readonly SceneId Table = new("table");

    public static readonly AxisAlignedBox3D Workspace = new(new Point3D(-1, -1, 0), new Point3D(1, 1, 2));

    private readonly TempStore _temp;

    private FleetHarness(TempStore temp, IEventStore store)
    {
        _temp = temp;
        Store = store;
        Runtime = Build();
        Events = new EventLog(store);
    }

    public FakeClock Clock { get; } = new();

    public FakePlanner Planner { get; } = new();

    public FakeTracer Tracer { get; } = new();

    public FakeRobots Robots { get; } = new();

    public IEventStore Store { get; private set; }

    public GrainRuntime Runtime { get; private set; }

    public EventLog Events { get; private set; }

    public RobotOptions RobotOptions { get; } = new() { HeartbeatTimeout = TimeSpan.FromSeconds(5), HeartbeatCheckInterval = TimeSpan.FromSeconds(1) };

    public TaskOptions TaskOptions { get; } = new() { WatchdogInterval = TimeSpan.FromSeconds(1), ReassignAfterDisconnect = TimeSpan.FromSeconds(4), StepTimeout = TimeSpan.FromSeconds(20), WaitForFirstFrame = false };

    public static async Task<FleetHarness> StartAsync()
    {
        var (temp, store) = await TempStore.CreateAsync();
        return new FleetHarness(temp, store);
    }

    public IRobotGrain Robot(string id) => Runtime.GetRobot(new RobotId(id));

    public ITaskGrain Task(TaskId id) => Runtime.GetTask(id);

    public static RobotCapabilities Capabilities(params string[] actions) =>
        new(RobotKind.Arm, Workspace, 0.9, 2, new HashSet<string>(actions.Length == 0 ? ["pick", "place", "push", "wipe", "open", "close"] : actions));

    public async Task<IRobotGrain> RegisterRobotAsync(string id, double battery = 0.8, params string[] actions)
    {
        var robot = Robot(id);
        await robot.RegisterAsync(new RobotRegistration(Capabilities(actions), Table));
        await robot.HeartbeatAsync(new RobotHeartbeat(battery));
        return robot;
    }

    public async Task<(TaskId Id, TaskStatusView Status)> SubmitAsync(string instruction, string? robot = null)
    {
        var id = TaskId.New();
        var status = await Task(id).SubmitAsync(new TaskSubmission(instruction, robot is null ? null : new RobotId(robot), Table));
        return (id, status);
    }

    /// <summary>Advances the clock one second at a time, sending a heartbeat for each of <paramref name="alive"/> after each second.</summary>
    public async Task AdvanceAsync(TimeSpan by, params string[] alive)
    {
        for (var t = TimeSpan.Zero; t < by; t += TimeSpan.FromSeconds(1))
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            foreach (var robot in alive)
            {
                await Robot(robot).HeartbeatAsync(new RobotHeartbeat());
            }
        }
    }

    public async Task RestartAsync()
    {
        await Runtime.DisposeAsync();
        await Events.DisposeAsync();
        await Store.DisposeAsync();
        Store = await _temp.OpenAsync();
        Runtime = Build();
        Events = new EventLog(Store);
    }

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync();
        await Events.DisposeAsync();
        await _temp.DisposeAsync();
    }

    private GrainRuntime Build()
    {
        var runtime = new GrainRuntime(new GrainRuntimeOptions { TimeProvider = Clock, CollectionAge = TimeSpan.FromHours(1) })
            .AddFleetGrains(new FleetGrainServices
            {
                Store = Store,
                Planner = Planner,
                Tracer = Tracer,
                RobotChannel = Robots,
                Robots = RobotOptions,
                Tasks = TaskOptions,
            });
        Robots.Grains = runtime;
        return runtime;
    }
}
