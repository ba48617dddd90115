using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Traces;
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
        var status = await _fleet.Robot("r1").RegisterAsync(new RobotRegistration(FleetHarness.Capabilities("pick", "place"), FleetHarness.Table));

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
        var back = await robot.HeartbeatAsync(new RobotHeartbeat());

        Assert.Equal(RobotConnection.Offline, offline.Connection);
        Assert.Equal(RobotConnection.Online, back.Connection);
        await _fleet.Events.WaitForAsync(FleetStreams.Robot(R1), "RobotWentOnline", occurrence: 2);
    }

    [Fact]
    public async Task An_invalid_registration_changes_nothing()
    {
        var bad = new RobotCapabilities(RobotKind.Arm, null, double.NaN, 1, new HashSet<string> { "pick" });

        var failure = await Assert.ThrowsAsync<ArgumentException>(() => _fleet.Robot("r1").RegisterAsync(new RobotRegistration(bad, FleetHarness.Table)));

        Assert.Contains("max reach", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, await _fleet.Store.GetStreamVersionAsync(FleetStreams.Robot(R1)));
        await Assert.ThrowsAsync<UnknownRobotException>(() => _fleet.Robot("r1").HeartbeatAsync(new RobotHeartbeat()));
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

        await robot.HeartbeatAsync(new RobotHeartbeat(0.801, null));
        await robot.HeartbeatAsync(new RobotHeartbeat(0.79, pose));
        await robot.HeartbeatAsync(new RobotHeartbeat(0.79, pose with { Position = new Point3D(1.001, 0, 0) }));
        var status = await robot.HeartbeatAsync(new RobotHeartbeat(0.79, null));

        Assert.Equal(2, (await TypesAsync()).Count(t => t == "RobotTelemetryRecorded"));
        Assert.Equal(0.79, status.Battery);
        Assert.Equal(pose, status.Pose);
        await Assert.ThrowsAsync<ArgumentException>(() => robot.HeartbeatAsync(new RobotHeartbeat(1.5)));
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
        await robot.DisconnectAsync("link closed");
        await Assert.ThrowsAsync<RobotUnavailableException>(() => robot.ExecuteStepAsync(new ExecuteTraceCommand(R1, owner, 0, TraceId.New(), "wipe", trace, null)));
        Assert.Empty(_fleet.Robots.Executed);
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
