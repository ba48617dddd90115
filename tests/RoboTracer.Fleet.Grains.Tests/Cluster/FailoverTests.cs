using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Tasks;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Postgres;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Grains.Tasks;
using RoboTracer.Fleet.Grains.Tests.Support;
using RoboTracer.Fleet.Serialization;

namespace RoboTracer.Fleet.Grains.Tests.Cluster;

/// <summary>
/// Three silos on PostgreSQL, robots linked through the test's cluster client (their links outlive any silo), and
/// the silo that hosts most running tasks killed mid-step.
/// </summary>
public sealed class FailoverTests : IAsyncLifetime
{
    private const int Robots = 6;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly FakeRobots _robots = new() { StepDuration = TimeSpan.FromSeconds(1) };
    private readonly CancellationTokenSource _stop = new();
    private PostgresFleetCluster _fleet = null!;
    private IRobotLink _link = null!;
    private Task _heartbeats = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _fleet = await PostgresFleetCluster.StartAsync(silos: 3);
        _robots.Grains = _fleet.Grains;
        _link = _fleet.Grains.CreateObjectReference<IRobotLink>(_robots);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _heartbeats;
        await _fleet.DisposeAsync();
    }

    [Fact]
    public async Task Killing_the_silo_that_hosts_running_tasks_loses_nothing_every_task_completes_and_no_step_runs_twice()
    {
        var (_, tasks) = await StartMidStepAsync(Robots);

        var victim = await SiloHostingMostTasksAsync(tasks);
        await _fleet.Cluster.KillSiloAsync(_fleet.Cluster.GetActiveSilos().Single(s => s.SiloAddress.Equals(victim.Silo)));
        var finished = await Task.WhenAll(tasks.Select(UntilFinishedAsync));

        Assert.True(victim.Tasks > 0, "no task lived on the killed silo");
        Assert.All(finished, status => Assert.Equal(TaskPhase.Completed, status.Phase));
        await using var store = await PostgresEventStore.OpenAsync(_fleet.Server.ConnectionString);
        foreach (var task in tasks)
        {
            var events = await ReadAsync(store, FleetStreams.Task(task));
            // Contiguous versions: no append was lost or made twice by two activations.
            Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e.Version));
            Assert.Equal(3, events.Count(e => e.EventType == "StepSucceeded"));
            // Each step went to its robot once: the task on the new silo took over the trace under way.
            var executed = _robots.Executed.Where(c => c.Task == task).GroupBy(c => c.StepIndex).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(new Dictionary<int, int> { [0] = 1, [1] = 1, [2] = 1 }, executed);
        }
    }

    [Fact]
    public async Task A_whole_cluster_killed_and_started_again_on_the_same_database_resumes_its_tasks_from_the_reminder_table()
    {
        var (robots, tasks) = await StartMidStepAsync(3);

        // Nothing calls the tasks on the new cluster: only their reminders, kept in PostgreSQL, can wake them. The
        // robots' links lived in the old client; they link again through the new one.
        await _stop.CancelAsync();
        await _heartbeats;
        await _fleet.KillAllAndRestartAsync();
        _robots.Grains = _fleet.Grains;
        _link = _fleet.Grains.CreateObjectReference<IRobotLink>(_robots);
        using var beating = new CancellationTokenSource();
        var heartbeats = HeartbeatAsync(robots, beating.Token);
        await using var store = await PostgresEventStore.OpenAsync(_fleet.Server.ConnectionString);
        var endings = await Task.WhenAll(tasks.Select(task => UntilRecordedEndAsync(store, task)));
        await beating.CancelAsync();
        await heartbeats;

        Assert.All(endings, ending => Assert.Equal("TaskCompleted", ending));
        foreach (var task in tasks)
        {
            var executed = _robots.Executed.Where(c => c.Task == task).GroupBy(c => c.StepIndex).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(new Dictionary<int, int> { [0] = 1, [1] = 1, [2] = 1 }, executed);
        }
    }

    /// <summary>
    /// Registers <paramref name="count"/> robots (heartbeating from then on), gives each a three-step task, and returns
    /// once every task has a trace out on its robot: they are all mid-step.
    /// </summary>
    private async Task<(List<RobotId> Robots, List<TaskId> Tasks)> StartMidStepAsync(int count)
    {
        var robots = Enumerable.Range(1, count).Select(i => new RobotId($"r{i}")).ToList();
        foreach (var robot in robots)
        {
            await _fleet.Grains.GetRobot(robot).RegisterAsync(new RobotRegistration(FleetHarness.Capabilities(), new SceneId($"table-{robot}")), _link);
        }
        _heartbeats = HeartbeatAsync(robots, _stop.Token);
        var tasks = new List<TaskId>();
        foreach (var robot in robots)
        {
            var task = TaskId.New();
            await _fleet.Grains.GetTask(task).SubmitAsync(new TaskSubmission("pick up the red cup and place it on the plate then push the box then wipe the table", robot, new SceneId($"table-{robot}")));
            tasks.Add(task);
        }
        foreach (var task in tasks)
        {
            await _robots.WaitForExecuteAsync(c => c.Task == task);
        }
        return (robots, tasks);
    }

    /// <summary>The task's last event once it is a terminal one, read from the store: asking the grain would wake it.</summary>
    private static async Task<string> UntilRecordedEndAsync(IEventStore store, TaskId task)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            var last = (await ReadAsync(store, FleetStreams.Task(task)))[^1].EventType;
            if (last is "TaskCompleted" or "TaskFailed" or "TaskCancelled")
            {
                return last;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), patience.Token);
        }
    }

    /// <summary>The silo with the most task activations, and how many.</summary>
    private async Task<(SiloAddress Silo, int Tasks)> SiloHostingMostTasksAsync(IReadOnlyCollection<TaskId> tasks)
    {
        var ids = tasks.Select(t => _fleet.Grains.GetTask(t).GetGrainId()).ToHashSet();
        var statistics = await _fleet.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return statistics.Where(s => ids.Contains(s.GrainId))
            .GroupBy(s => s.SiloAddress)
            .Select(g => (g.Key, g.Count()))
            .MaxBy(g => g.Item2);
    }

    private async Task<TaskStatusView> UntilFinishedAsync(TaskId task)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            try
            {
                var status = await _fleet.Grains.GetTask(task).GetStatusAsync();
                if (status.Phase is TaskPhase.Completed or TaskPhase.Failed or TaskPhase.Cancelled)
                {
                    return status;
                }
            }
            catch (Exception e) when (e is not UnknownTaskException)
            {
                // The task's silo is dead and not yet declared so: ask again.
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), patience.Token);
        }
    }

    /// <summary>
    /// Each robot sends heartbeats over its link on its own, as linked robots do: one whose grain's silo is dying
    /// waits for that call alone, and a heartbeat lost to a dying silo is just lost.
    /// </summary>
    private Task HeartbeatAsync(IReadOnlyList<RobotId> robots, CancellationToken stop) =>
        Task.WhenAll(robots.Select(robot => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await _fleet.Grains.GetRobot(robot).HeartbeatAsync(new RobotHeartbeat(), _link).WaitAsync(TimeSpan.FromSeconds(2), stop);
                    await Task.Delay(TimeSpan.FromMilliseconds(500), stop);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception)
                {
                    // Lost with a dying silo: the next one goes through.
                }
            }
        })));

    private static async Task<List<RecordedEvent>> ReadAsync(IEventStore store, string stream)
    {
        var events = new List<RecordedEvent>();
        await foreach (var e in store.ReadStreamAsync(stream))
        {
            events.Add(e);
        }
        return events;
    }
}
