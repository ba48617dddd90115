using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Simulator.Configuration;
using RoboTracer.Fleet.Simulator.Tests.Infrastructure;

namespace RoboTracer.Fleet.Simulator.Tests;

public sealed class FaultTests
{
    [Fact]
    public async Task A_grasp_failure_rate_of_one_fails_every_step_with_grasp_and_moves_nothing()
    {
        await using var orchestrator = await FakeOrchestrator.StartAsync();
        await using var robot = RobotUnderTest.Start(orchestrator, RobotUnderTest.Settings() with { Faults = new FaultRates { GraspFailure = 1 } });
        var before = await orchestrator.Link.NextObservationAsync();

        var ends = new List<StepUpdate>();
        for (var i = 0; i < 3; i++)
        {
            await orchestrator.Link.SendAsync(Traces.Execute(Traces.LiftAndShift(before, "red cup", step: $"step-{i}", trace: $"trace-{i}")));
            ends.Add(await ExecutionTests.NextTerminalAsync(orchestrator));
        }
        var after = await orchestrator.Link.NextObservationAsync();

        Assert.All(ends, e => Assert.Equal((StepState.Failed, FailureKind.Grasp, 0.0), (e.State, e.Failure, e.Progress)));
        Assert.Equal(Traces.Find(before, "red cup").Box, Traces.Find(after, "red cup").Box);
    }

    [Fact]
    public async Task A_stall_goes_silent_then_fails_with_stall_after_the_timeout()
    {
        var clock = new SteppingTimeProvider();
        var settings = RobotUnderTest.Settings() with { Faults = new FaultRates { Stall = 1, StallTimeout = TimeSpan.FromSeconds(30) } };
        await using var orchestrator = await FakeOrchestrator.StartAsync();
        await using var robot = RobotUnderTest.Start(orchestrator, settings, clock);
        var before = await orchestrator.Link.NextObservationAsync();
        await orchestrator.Link.SendAsync(Traces.Execute(Traces.LiftAndShift(before, "red cup")));
        await orchestrator.Link.NextAsync(m => m.StepUpdate?.State == StepState.Executing, "EXECUTING");

        // Fire timers until the one that stands for the stall timeout: 30 s after the arm stopped.
        TimeSpan step;
        do
        {
            step = await clock.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(31));
        }
        while (step < TimeSpan.FromSeconds(29));
        var failed = await ExecutionTests.NextTerminalAsync(orchestrator);

        Assert.Equal((StepState.Failed, FailureKind.Stall), (failed.State, failed.Failure));
        Assert.InRange(failed.Progress, 0.2, 0.8);
        Assert.Contains("stalled", failed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disconnect_drops_the_link_and_the_step_is_reported_failed_after_reconnecting()
    {
        var settings = RobotUnderTest.Settings() with { Faults = new FaultRates { Disconnect = 1, DisconnectDuration = TimeSpan.FromMilliseconds(100) } };
        await using var orchestrator = await FakeOrchestrator.StartAsync();
        await using var robot = RobotUnderTest.Start(orchestrator, settings);
        await orchestrator.Link.NextHelloAsync();
        var before = await orchestrator.Link.NextObservationAsync();

        await orchestrator.Link.SendAsync(Traces.Execute(Traces.LiftAndShift(before, "red cup")));
        var hello = await orchestrator.Link.NextHelloAsync();
        var failed = await orchestrator.Link.NextEventAsync();
        var observed = await orchestrator.Link.NextEventAsync();

        Assert.Equal("sim-1", hello.RobotId);
        Assert.Equal((StepState.Failed, "trace-1"), (failed.StepUpdate.State, failed.StepUpdate.TraceId));
        Assert.Contains("link to the orchestrator was lost", failed.StepUpdate.Detail, StringComparison.Ordinal);
        Assert.InRange(failed.StepUpdate.Progress, 0.2, 0.8);
        Assert.Equal(RobotMessage.BodyOneofCase.Observation, observed.BodyCase);
        Assert.Equal(2, orchestrator.Link.SessionsOpened);
        Assert.False(robot.Running.IsCompleted);
    }

    [Fact]
    public async Task An_obstacle_appears_across_the_path_and_following_the_old_trace_collides()
    {
        var settings = RobotUnderTest.Settings() with { SceneChanges = new SceneChangeRates { Obstacle = 1 } };
        await using var orchestrator = await FakeOrchestrator.StartAsync();
        await using var robot = RobotUnderTest.Start(orchestrator, settings);
        var before = await orchestrator.Link.NextObservationAsync();

        await orchestrator.Link.SendAsync(Traces.Execute(Traces.LiftAndShift(before, "red cup")));
        var changed = await orchestrator.Link.NextObservationAsync();
        var end = await ExecutionTests.NextTerminalAsync(orchestrator);

        var obstacle = Assert.Single(changed.Objects, o => o.Id == "obstacle-1");
        Assert.Equal("obstacle", obstacle.Label);
        Assert.Equal(before.Objects.Count + 1, changed.Objects.Count);
        Assert.Equal((StepState.Failed, FailureKind.Collision), (end.State, end.Failure));
        Assert.Contains("obstacle", end.Detail, StringComparison.Ordinal);
        Assert.True(end.Progress < 1);
    }

    [Fact]
    public async Task A_nudge_moves_the_held_object_off_the_trace_and_is_observed()
    {
        var settings = RobotUnderTest.Settings() with { SceneChanges = new SceneChangeRates { Nudge = 1 } };
        await using var orchestrator = await FakeOrchestrator.StartAsync();
        await using var robot = RobotUnderTest.Start(orchestrator, settings);
        var before = await orchestrator.Link.NextObservationAsync();
        var trace = Traces.LiftAndShift(before, "red cup");

        await orchestrator.Link.SendAsync(Traces.Execute(trace));
        var nudged = await orchestrator.Link.NextObservationAsync();
        var end = await ExecutionTests.NextTerminalAsync(orchestrator);
        var after = await orchestrator.Link.NextObservationAsync();

        Assert.Equal(StepState.Succeeded, end.State);
        Assert.Equal(before.Objects.Count, nudged.Objects.Count);
        var last = trace.Points3D[^1];
        var cup = Traces.Find(after, "red cup").Box.Center;
        var off = Math.Sqrt(Math.Pow(cup.X - last.X, 2) + Math.Pow(cup.Y - last.Y, 2) + Math.Pow(cup.Z - last.Z, 2));
        Assert.InRange(off, 0.03 - 1e-9, 0.06 + 1e-9);
    }

    [Fact]
    public async Task The_same_seed_and_commands_give_the_same_faults_and_changes()
    {
        var rates = RobotUnderTest.Settings(seed: 21) with
        {
            Faults = new FaultRates { GraspFailure = 0.3, Stall = 0.3, Disconnect = 0.3, StallTimeout = TimeSpan.FromMilliseconds(50), DisconnectDuration = TimeSpan.FromMilliseconds(50) },
            SceneChanges = new SceneChangeRates { Nudge = 0.4, Obstacle = 0.4 },
            SpeedMetresPerSecond = 2,
        };

        var first = await RunScriptAsync(rates);
        var again = await RunScriptAsync(rates);
        var other = await RunScriptAsync(rates with { Seed = 22 });

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.True(first.Distinct().Count() > 1, "the script should meet more than one outcome: " + string.Join(", ", first));
    }

    /// <summary>Eight steps, each moving the red cup from wherever the robot last saw it; the outcome of each step.</summary>
    private static async Task<List<string>> RunScriptAsync(RobotSettings settings)
    {
        await using var orchestrator = await FakeOrchestrator.StartAsync();
        await using var robot = RobotUnderTest.Start(orchestrator, settings);
        var seen = await orchestrator.Link.NextObservationAsync();
        var outcomes = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            await orchestrator.Link.SendAsync(Traces.Execute(Traces.LiftAndShift(seen, "red cup", step: $"step-{i}", trace: $"trace-{i}")));
            var changes = 0;
            StepUpdate? end = null;
            while (end is null)
            {
                var message = await orchestrator.Link.NextEventAsync();
                if (message.Observation is { } observation)
                {
                    changes++;
                    seen = observation;
                }
                else if (Traces.IsTerminal(message.StepUpdate.State))
                {
                    end = message.StepUpdate;
                }
            }
            // The observation at the end of the step.
            seen = await orchestrator.Link.NextObservationAsync();
            outcomes.Add($"{end.State}/{end.Failure}/{end.Progress:F3}/changes {changes}/objects {seen.Objects.Count}");
        }
        return outcomes;
    }
}
