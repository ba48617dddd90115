using Grpc.Core;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Testing;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests;

/// <summary><c>RobotLink/Connect</c> on a real HTTP/2 socket: who may connect, replacement, disconnects, bad messages.</summary>
public sealed class RobotLinkTests(FleetFixture fleet) : IClassFixture<FleetFixture>
{
    private OrchestratorHost Host => fleet.Host;

    [Theory]
    [InlineData("robot-1", "secret-2")]
    [InlineData("robot-1", "")]
    [InlineData("stranger", "secret-1")]
    public async Task A_robot_with_a_wrong_token_or_unknown_id_is_rejected_as_unauthenticated(string robot, string token)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => TestRobot.ConnectAsync(Host.Channel, robot, token));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        var robots = await FleetApi.GetAsync(Host.Http, "/api/robots");
        Assert.DoesNotContain(robots.AsArray(), r => r!["id"]!.GetValue<string>() == robot && r["connection"]!.GetValue<string>() == "Online");
    }

    [Fact]
    public async Task The_token_may_travel_as_bearer_metadata()
    {
        var headers = new Metadata { { "authorization", "Bearer " + OrchestratorHost.RobotToken("robot-3") } };

        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-3", token: "", headers: headers);

        var view = await RobotAsync("robot-3");
        Assert.Equal("Online", view["connection"]!.GetValue<string>());
        Assert.Equal("Arm", view["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_second_connection_replaces_the_first_cleanly()
    {
        await using var first = await TestRobot.ConnectAsync(Host.Channel, "robot-4", OrchestratorHost.RobotToken("robot-4"));
        await using var second = await TestRobot.ConnectAsync(Host.Channel, "robot-4", OrchestratorHost.RobotToken("robot-4"));

        var ended = await first.Ended.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(StatusCode.Aborted, Assert.IsType<RpcException>(ended).StatusCode);
        // The replaced link must not mark the robot offline: the new one speaks for it.
        Assert.Equal("Online", (await RobotAsync("robot-4"))["connection"]!.GetValue<string>());
        Assert.False(second.Ended.IsCompleted);
    }

    [Fact]
    public async Task A_dropped_link_marks_the_robot_offline_at_once()
    {
        var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-5", OrchestratorHost.RobotToken("robot-5"));
        Assert.Equal("Online", (await RobotAsync("robot-5"))["connection"]!.GetValue<string>());

        await robot.DropAsync();

        await WaitForRobotAsync("robot-5", r => r["connection"]!.GetValue<string>() == "Offline");
    }

    [Fact]
    public async Task A_malformed_step_update_ends_the_link_with_invalid_argument()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-6", OrchestratorHost.RobotToken("robot-6"));

        await robot.SendAsync(new RobotMessage { StepUpdate = new StepUpdate { TaskId = "t", StepId = "first", TraceId = "x", State = StepState.Executing } });
        var ended = await robot.Ended.WaitAsync(TimeSpan.FromSeconds(30));

        var error = Assert.IsType<RpcException>(ended);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("step_id 'first'", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_its_grain_refuses_ends_the_link_with_invalid_argument_and_nothing_after_it_is_handled()
    {
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-7", OrchestratorHost.RobotToken("robot-7"));

        await robot.SendAsync(new RobotMessage { Heartbeat = new Heartbeat { Battery = 0.5, Pose = new Pose { Position = new Point3D { X = double.NaN } } } });
        await robot.SendAsync(new RobotMessage { Heartbeat = new Heartbeat { Battery = 0.25 } });
        var ended = await robot.Ended.WaitAsync(TimeSpan.FromSeconds(30));

        var error = Assert.IsType<RpcException>(ended);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("non-finite position", error.Status.Detail, StringComparison.Ordinal);
        await WaitForRobotAsync("robot-7", r => r["connection"]!.GetValue<string>() == "Offline");
        Assert.NotEqual(0.25, (await RobotAsync("robot-7"))["battery"]?.GetValue<double>());
    }

    [Fact]
    public async Task A_first_message_that_is_not_a_hello_is_refused()
    {
        using var call = new RobotLink.RobotLinkClient(Host.Channel).Connect();
        await call.RequestStream.WriteAsync(new RobotMessage { Heartbeat = new Heartbeat { Battery = 1 } });

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("hello", error.Status.Detail, StringComparison.Ordinal);
    }

    private Task<System.Text.Json.Nodes.JsonNode> RobotAsync(string id) => FleetApi.RobotAsync(Host.Http, id);

    private Task WaitForRobotAsync(string id, Func<System.Text.Json.Nodes.JsonNode, bool> done) => FleetApi.WaitForRobotAsync(Host.Http, id, done);
}
