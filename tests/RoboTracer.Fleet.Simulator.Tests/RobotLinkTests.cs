using System.Buffers.Binary;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Worker;
using RoboTracer.Fleet.Simulator.Tests.Infrastructure;

namespace RoboTracer.Fleet.Simulator.Tests;

public sealed class RobotLinkTests
{
    [Fact]
    public async Task Hello_carries_id_token_capabilities_intrinsics_and_scene()
    {
        await using var orchestrator = await FakeOrchestrator.StartAsync();
        await using var robot = RobotUnderTest.Start(orchestrator, RobotUnderTest.Settings() with { RobotId = "sim-3", Token = "t3" });

        var hello = await orchestrator.Link.NextHelloAsync();

        Assert.Equal(("sim-3", "t3", "table-sim-3"), (hello.RobotId, hello.Token, hello.SceneId));
        Assert.Equal("Bearer t3", Assert.Single(orchestrator.Link.AuthorizationHeaders));
        Assert.Equal(RobotKind.Arm, hello.Capabilities.Kind);
        Assert.Equal(["pick", "place", "push"], hello.Capabilities.Actions);
        Assert.True(hello.Capabilities.MaxReachM > 0);
        var workspace = hello.Capabilities.Workspace;
        Assert.True(workspace.Extent.X > 0.5 && workspace.Extent.Y > 0.1 && workspace.Extent.Z > 0.1, workspace.ToString());
        Assert.True(workspace.Center.Z > 0.3, "the table is in front of the camera");
        Assert.Equal((160u, 120u), (hello.Intrinsics.Width, hello.Intrinsics.Height));
        Assert.True(hello.Intrinsics.Fx > 0 && hello.Intrinsics.Fy > 0);
        Assert.StartsWith("robotracer-sim/", hello.SoftwareVersion, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_observation_on_connect_is_a_valid_trace_input()
    {
        await using var orchestrator = await FakeOrchestrator.StartAsync();
        await using var robot = RobotUnderTest.Start(orchestrator, RobotUnderTest.Settings());

        var observation = await orchestrator.Link.NextObservationAsync();

        var k = observation.Intrinsics;
        var png = Vision.RgbImage.FromPng(observation.Image.Data.Span);
        Assert.Equal("image/png", observation.Image.MediaType);
        Assert.Equal((160, 120), (png.Width, png.Height));
        // IHDR (PNG spec §11.2.2): bit depth 8, colour type 2 (RGB).
        Assert.Equal((8, 2), (observation.Image.Data[24], observation.Image.Data[25]));
        Assert.Equal((k.Width, k.Height), (observation.Depth.Width, observation.Depth.Height));
        Assert.Equal(DepthEncoding._16Uc1, observation.Depth.Encoding);
        Assert.Equal(160 * 120 * 2, observation.Depth.Data.Length);
        var millimetres = Enumerable.Range(0, 160 * 120).Select(i => BinaryPrimitives.ReadUInt16LittleEndian(observation.Depth.Data.Span[(2 * i)..])).ToList();
        // The table fills the middle of the view, between half a metre and a few metres away.
        Assert.InRange(millimetres[(60 * 160) + 80], 500, 3000);
        Assert.True(millimetres.Count(mm => mm is > 300 and < 6000) > millimetres.Count * 0.9, "most pixels see the table or the floor");
        Assert.Contains(observation.Objects, o => o.Label == "red cup");
        Assert.All(observation.Objects, o =>
        {
            Assert.StartsWith("obj-", o.Id, StringComparison.Ordinal);
            Assert.True(o.Box.Extent.X > 0 && o.Box.Extent.Y > 0 && o.Box.Extent.Z > 0);
            Assert.InRange(o.Box.Center.Z, 0.3, 3);
            Assert.InRange(o.Box.Rotation.W * o.Box.Rotation.W + o.Box.Rotation.X * o.Box.Rotation.X + o.Box.Rotation.Y * o.Box.Rotation.Y + o.Box.Rotation.Z * o.Box.Rotation.Z, 0.999, 1.001);
        });
        var request = new TraceRequest
        {
            Instruction = "put the red cup on the plate",
            Image = observation.Image,
            Depth = observation.Depth,
            Intrinsics = observation.Intrinsics,
            Output = TraceOutput.Both,
        };
        request.SceneHints.Add(observation.Objects);
        var inputs = TraceRequestValidator.Validate(request, ["geometric"]);
        Assert.NotNull(inputs);
    }

    [Fact]
    public async Task Ping_is_answered_with_pong_and_heartbeats_follow_the_welcome_interval()
    {
        await using var orchestrator = await FakeOrchestrator.StartAsync(heartbeatIntervalMs: 50);
        await using var robot = RobotUnderTest.Start(orchestrator, RobotUnderTest.Settings());
        await orchestrator.Link.NextObservationAsync();

        await orchestrator.Link.SendAsync(new OrchestratorMessage { Ping = new Ping { SentUnixMs = 123456 } });
        var pong = await orchestrator.Link.NextAsync(m => m.BodyCase == RobotMessage.BodyOneofCase.Pong, "Pong");
        var first = await orchestrator.Link.NextAsync(m => m.BodyCase == RobotMessage.BodyOneofCase.Heartbeat, "Heartbeat");
        var second = await orchestrator.Link.NextAsync(m => m.BodyCase == RobotMessage.BodyOneofCase.Heartbeat, "Heartbeat");

        Assert.Equal(123456, pong.Pong.PingSentUnixMs);
        Assert.Equal("", first.Heartbeat.CurrentStepId);
        Assert.InRange(first.Heartbeat.Battery, 0.05, 1);
        Assert.NotNull(first.Heartbeat.Pose.Position);
        Assert.True(second.Heartbeat.SentUnixMs >= first.Heartbeat.SentUnixMs);
    }

    [Fact]
    public async Task A_heartbeat_during_a_step_names_the_step()
    {
        var clock = new SteppingTimeProvider();
        await using var orchestrator = await FakeOrchestrator.StartAsync(heartbeatIntervalMs: 1000);
        await using var robot = RobotUnderTest.Start(orchestrator, RobotUnderTest.Settings(), clock);
        var observation = await orchestrator.Link.NextObservationAsync();

        await orchestrator.Link.SendAsync(Traces.Execute(Traces.LiftAndShift(observation, "red cup", step: "step-hb", maxSpeed: 0.001)));
        await orchestrator.Link.NextAsync(m => m.StepUpdate?.State == StepState.Executing, "EXECUTING");
        // The trace takes minutes at 1 mm/s; the next timer due within 1.5 s is the heartbeat's.
        await clock.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(1.5));
        var heartbeat = await orchestrator.Link.NextAsync(m => m.BodyCase == RobotMessage.BodyOneofCase.Heartbeat, "Heartbeat");

        Assert.Equal("step-hb", heartbeat.Heartbeat.CurrentStepId);
    }

    [Fact]
    public async Task Without_rendering_observations_carry_objects_only()
    {
        await using var orchestrator = await FakeOrchestrator.StartAsync();
        await using var robot = RobotUnderTest.Start(orchestrator, RobotUnderTest.Settings() with { Render = false });

        var observation = await orchestrator.Link.NextObservationAsync();

        Assert.Null(observation.Image);
        Assert.Null(observation.Depth);
        Assert.NotNull(observation.Intrinsics);
        Assert.True(observation.Objects.Count >= 4);
    }
}
