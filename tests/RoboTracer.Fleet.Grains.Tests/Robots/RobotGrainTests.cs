using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Traces;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.Grains.EventSourcing;
using RoboTracer.Fleet.Serialization;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Grains.Tests.Support;

namespace RoboTracer.Fleet.Grains.Tests.Robots;

public sealed class RobotGrainTests : IAsyncLifetime
{
    private static readonly RobotId R1 = new("r1");

    private FleetHarness _fleet = null!;

    public async Task InitializeAsync() => _fleet = await FleetHarness.StartAsync();

    public async Task DisposeAsync() => await _fleet.DisposeAsync();

    [Fact]
    public async Task Registration_brings_a_robot_online_and_lists_it()
    {
        var status = await _fleet.Robot("r1").RegisterAsync(new RobotRegistration(FleetHarness.Capabilities("pick", "place"), FleetHarness.Table), _fleet.Link);

        Assert.True(status.IsRegistered);
        Assert.Equal(RobotConnection.Online, status.Connection);
        Assert.True(status.Capabilities!.CanPerform("PICK"));
        Assert.Equal([R1], await _fleet.Grains.GetRobotDirectory().GetRobotsAsync());
        Assert.Equal(["RobotRegistered", "RobotWentOnline"], await TypesAsync());
    }

    [Fact]
    public async Task A_robot_goes_offline_after_the_heartbeat_timeout_and_online_with_the_next_heartbeat()
    {
        var robot = await _fleet.RegisterRobotAsync("r1");

        await _fleet.AdvanceAsync(TimeSpan.FromSeconds(4), "r1");
        Assert.Equal(RobotConnection.Online, (await robot.GetStatusAsync()).Connection);
        _fleet.Clock.Advance(TimeSpan.FromSeconds(6));
        await _fleet.Events.WaitForAsync(FleetStreams.Robot(R1), "RobotWentOffline");
        var offline = await robot.GetStatusAsync();
        var back = await robot.HeartbeatAsync(new RobotHeartbeat(), _fleet.Link);

        Assert.Equal(RobotConnection.Offline, offline.Connection);
        Assert.Equal(RobotConnection.Online, back.Connection);
        await _fleet.Events.WaitForAsync(FleetStreams.Robot(R1), "RobotWentOnline", occurrence: 2);
    }

    [Fact]
    public async Task An_invalid_registration_changes_nothing()
    {
        var bad = new RobotCapabilities(RobotKind.Arm, null, double.NaN, 1, new HashSet<string> { "pick" });

        var failure = await Assert.ThrowsAsync<ArgumentException>(() => _fleet.Robot("r1").RegisterAsync(new RobotRegistration(bad, FleetHarness.Table), _fleet.Link));

        Assert.Contains("max reach", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, await _fleet.Store.GetStreamVersionAsync(FleetStreams.Robot(R1)));
        await Assert.ThrowsAsync<UnknownRobotException>(() => _fleet.Robot("r1").HeartbeatAsync(new RobotHeartbeat(), _fleet.Link));
    }

    [Fact]
    public async Task A_robot_belongs_to_one_task_at_a_time()
    {
        var robot = await _fleet.RegisterRobotAsync("r1");
        var first = TaskId.New();
        var second = TaskId.New();

        Assert.True(await robot.TryReserveAsync(first));
        Assert.True(await robot.TryReserveAsync(first));
        Assert.False(await robot.TryReserveAsync(second));
        Assert.False(await robot.ReleaseAsync(second, "not mine"));
        Assert.True(await robot.ReleaseAsync(first, "done"));
        Assert.True(await robot.TryReserveAsync(second));
    }

    [Fact]
    public async Task Telemetry_is_recorded_only_when_it_moved_noticeably()
    {
        var robot = await _fleet.RegisterRobotAsync("r1", battery: 0.80);
        var pose = new RobotPose(new Point3D(1, 0, 0), Rotation3D.Identity);

        await robot.HeartbeatAsync(new RobotHeartbeat(0.801, null), _fleet.Link);
        await robot.HeartbeatAsync(new RobotHeartbeat(0.79, pose), _fleet.Link);
        await robot.HeartbeatAsync(new RobotHeartbeat(0.79, pose with { Position = new Point3D(1.001, 0, 0) }), _fleet.Link);
        var status = await robot.HeartbeatAsync(new RobotHeartbeat(0.79, null), _fleet.Link);

        Assert.Equal(2, (await TypesAsync()).Count(t => t == "RobotTelemetryRecorded"));
        Assert.Equal(0.79, status.Battery);
        Assert.Equal(pose, status.Pose);
        await Assert.ThrowsAsync<ArgumentException>(() => robot.HeartbeatAsync(new RobotHeartbeat(1.5), _fleet.Link));
    }

    [Fact]
    public async Task Reports_about_a_trace_the_robot_is_not_executing_are_ignored()
    {
        var robot = await _fleet.RegisterRobotAsync("r1");
        var task = TaskId.New();

        var accepted = await robot.ReportStepUpdateAsync(new RobotStepUpdate(task, 0, TraceId.New(), RobotStepState.Succeeded, 1));

        Assert.False(accepted);
        Assert.DoesNotContain("RobotStepReported", await TypesAsync());
        await Assert.ThrowsAsync<ArgumentException>(() => robot.ReportStepUpdateAsync(new RobotStepUpdate(task, 0, TraceId.New(), RobotStepState.Executing, 1.5)));
    }

    [Fact]
    public async Task A_robot_held_by_another_task_or_offline_takes_no_command()
    {
        var robot = await _fleet.RegisterRobotAsync("r1");
        var owner = TaskId.New();
        await robot.TryReserveAsync(owner);
        var trace = new SpatialTrace([new Point3D(0, 0, 0.5)], []);

        await Assert.ThrowsAsync<RobotUnavailableException>(() => robot.ExecuteStepAsync(new ExecuteTraceCommand(R1, TaskId.New(), 0, TraceId.New(), "wipe", trace, null)));
        await robot.DisconnectAsync("link closed", _fleet.Link);
        await Assert.ThrowsAsync<RobotUnavailableException>(() => robot.ExecuteStepAsync(new ExecuteTraceCommand(R1, owner, 0, TraceId.New(), "wipe", trace, null)));
        Assert.Empty(_fleet.Robots.Executed);
    }

    [Fact]
    public async Task A_dispatch_that_arrives_after_its_own_cancel_is_refused_and_nothing_is_sent()
    {
        // As when a task's silo dies with the dispatch on the wire: the task's new activation cancels the trace first.
        var robot = await _fleet.RegisterRobotAsync("r1");
        var task = TaskId.New();
        await robot.TryReserveAsync(task);
        var late = TraceId.New();
        var trace = new SpatialTrace([new Point3D(0, 0, 0.5)], []);

        await robot.CancelStepAsync(new CancelStepCommand(R1, task, 0, late, "the orchestrator restarted"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => robot.ExecuteStepAsync(new ExecuteTraceCommand(R1, task, 0, late, "wipe", trace, null)));
        await robot.ExecuteStepAsync(new ExecuteTraceCommand(R1, task, 0, TraceId.New(), "wipe", trace, null));

        Assert.Contains("cancelled it before the dispatch arrived", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_fleet.Robots.Executed, c => c.Trace == late);
        Assert.Single(_fleet.Robots.Executed);
    }

    [Fact]
    public async Task Commands_go_down_the_link_of_the_latest_heartbeat_with_ids_that_grow_with_the_robots_stream()
    {
        var robot = await _fleet.RegisterRobotAsync("r1");
        var task = TaskId.New();
        await robot.TryReserveAsync(task);
        _fleet.Robots.Hold(R1);
        var elsewhere = new FakeRobots { Grains = _fleet.Grains };
        elsewhere.Hold(R1);
        var trace = new SpatialTrace([new Point3D(0, 0, 0.5)], []);

        await robot.ExecuteStepAsync(new ExecuteTraceCommand(R1, task, 0, TraceId.New(), "wipe", trace, null));
        var firstVersion = await _fleet.Store.GetStreamVersionAsync(FleetStreams.Robot(R1));
        // The robot moved its link (as when its node died and it reconnected to another).
        await robot.HeartbeatAsync(new RobotHeartbeat(), _fleet.Grains.CreateObjectReference<IRobotLink>(elsewhere));
        await robot.ExecuteStepAsync(new ExecuteTraceCommand(R1, task, 0, TraceId.New(), "wipe", trace, null));

        Assert.Equal([firstVersion], _fleet.Robots.CommandIds);
        var second = Assert.Single(elsewhere.CommandIds);
        Assert.True(second > firstVersion, $"command id {second} is not above {firstVersion}");
        Assert.Equal(await _fleet.Store.GetStreamVersionAsync(FleetStreams.Robot(R1)), second);
    }

    [Fact]
    public async Task A_trace_sent_again_goes_down_the_current_link_under_its_first_command_id_and_is_not_recorded_twice()
    {
        var robot = await _fleet.RegisterRobotAsync("r1");
        var task = TaskId.New();
        await robot.TryReserveAsync(task);
        // The first send is lost with its link; the robot then links through another silo.
        _fleet.Robots.LoseNext(R1, _ => true);
        var elsewhere = new FakeRobots { Grains = _fleet.Grains };
        elsewhere.Hold(R1);
        var command = new ExecuteTraceCommand(R1, task, 0, TraceId.New(), "wipe", new SpatialTrace([new Point3D(0, 0, 0.5)], []), null);

        await robot.ExecuteStepAsync(command);
        var dispatched = await _fleet.Store.GetStreamVersionAsync(FleetStreams.Robot(R1));
        await robot.HeartbeatAsync(new RobotHeartbeat(), _fleet.Grains.CreateObjectReference<IRobotLink>(elsewhere));
        await robot.ExecuteStepAsync(command);
        await robot.ExecuteStepAsync(command);

        Assert.Equal([dispatched, dispatched], elsewhere.CommandIds);
        Assert.Equal(command.Trace, Assert.Single(elsewhere.Executed).Trace);
        Assert.Equal(command.Trace, Assert.Single(elsewhere.Redelivered).Trace);
        Assert.Equal(dispatched, await _fleet.Store.GetStreamVersionAsync(FleetStreams.Robot(R1)));
        Assert.Equal(command.Trace, (await robot.GetStatusAsync()).CurrentStep?.Trace);
    }

    [Fact]
    public async Task The_end_of_a_link_the_robot_has_replaced_does_not_take_it_offline()
    {
        var robot = await _fleet.RegisterRobotAsync("r1");
        var newer = _fleet.Grains.CreateObjectReference<IRobotLink>(new FakeRobots { Grains = _fleet.Grains });
        await robot.HeartbeatAsync(new RobotHeartbeat(), newer);

        var afterOld = await robot.DisconnectAsync("the old link broke", _fleet.Link);
        var afterNewer = await robot.DisconnectAsync("the robot closed its link", newer);

        Assert.Equal(RobotConnection.Online, afterOld.Connection);
        Assert.Equal(RobotConnection.Offline, afterNewer.Connection);
    }

    [Fact]
    public async Task An_activation_whose_stream_moved_on_sends_no_command()
    {
        var robot = await _fleet.RegisterRobotAsync("r1");
        var task = TaskId.New();
        await robot.TryReserveAsync(task);
        // Another activation of the same robot (a membership change) wrote meanwhile.
        var stream = FleetStreams.Robot(R1);
        var version = await _fleet.Store.GetStreamVersionAsync(stream);
        await _fleet.Store.AppendAsync(stream, ExpectedVersion.Exact(version), [FleetEvents.CreateSerializer().Serialize(new RobotTelemetryRecorded(0.5, null, _fleet.Clock.GetUtcNow()))]);

        var trace = new SpatialTrace([new Point3D(0, 0, 0.5)], []);
        await Assert.ThrowsAsync<StaleActivationException>(() => robot.ExecuteStepAsync(new ExecuteTraceCommand(R1, task, 0, TraceId.New(), "wipe", trace, null)));

        Assert.Empty(_fleet.Robots.Executed);
        Assert.DoesNotContain("RobotStepDispatched", await TypesAsync());
    }

    private async Task<List<string>> TypesAsync()
    {
        var types = new List<string>();
        await foreach (var e in _fleet.Store.ReadStreamAsync(FleetStreams.Robot(R1)))
        {
            types.Add(e.EventType);
        }
        return types;
    }
}
