using Grpc.Core;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Testing;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests;

/// <summary>
/// <c>Fleet:HeartbeatForwardInterval</c>: a link passes a robot's heartbeats on to its grain at most once per interval
/// (at 10 Hz over a thousand robots the grain calls alone cost most of a core). Here the interval is an hour, so only
/// the first heartbeat of a link may reach the grain.
/// </summary>
public sealed class HeartbeatForwardingTests : IAsyncLifetime
{
    private ConfiguredOrchestrator? _fleet;

    private OrchestratorHost Host => _fleet!.Host;

    public async Task InitializeAsync() =>
        _fleet = await ConfiguredOrchestrator.StartAsync(new Dictionary<string, string?> { ["Fleet:HeartbeatForwardInterval"] = "01:00:00" });

    public async Task DisposeAsync() => await _fleet!.DisposeAsync();

    [Fact]
    public async Task A_heartbeat_within_the_interval_of_the_last_one_passed_on_does_not_reach_the_grain()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-1", OrchestratorHost.RobotToken("robot-1"));
        await robot.SendAsync(new RobotMessage { Heartbeat = new Heartbeat { Battery = 0.9 } });
        await FleetApi.WaitForRobotAsync(Host.Http, "robot-1", r => r["battery"]?.GetValue<double>() == 0.9);

        await robot.SendAsync(new RobotMessage { Heartbeat = new Heartbeat { Battery = 0.4 } });
        // A malformed message ends the link, and every message read before it is handled before the link's end marks
        // the robot offline: once it is offline, the second heartbeat has been passed on or dropped.
        await robot.SendAsync(new RobotMessage { StepUpdate = new StepUpdate { TaskId = "t", StepId = "first", TraceId = "x", State = StepState.Executing } });
        var ended = Assert.IsType<RpcException>(await robot.Ended.WaitAsync(TimeSpan.FromSeconds(30)));
        var offline = await FleetApi.WaitForRobotAsync(Host.Http, "robot-1", r => r["connection"]!.GetValue<string>() == "Offline");

        Assert.Equal(StatusCode.InvalidArgument, ended.StatusCode);
        Assert.Equal(0.9, offline["battery"]!.GetValue<double>());
    }
}
