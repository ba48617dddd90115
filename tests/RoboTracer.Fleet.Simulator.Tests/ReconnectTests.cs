using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Simulator.Tests.Infrastructure;

namespace RoboTracer.Fleet.Simulator.Tests;

public sealed class ReconnectTests
{
    [Fact]
    public async Task The_robot_reconnects_with_a_new_hello_after_the_orchestrator_restarts()
    {
        var first = await FakeOrchestrator.StartAsync();
        var port = first.Port;
        await using var robot = RobotUnderTest.Start(first, RobotUnderTest.Settings());
        await first.Link.NextObservationAsync();
        await first.DisposeAsync();

        await using var second = await FakeOrchestrator.StartAsync(port);
        var hello = await second.Link.NextHelloAsync();
        var observation = await second.Link.NextObservationAsync();
        await second.Link.SendAsync(Traces.Execute(Traces.LiftAndShift(observation, "red cup")));
        var end = await ExecutionTests.NextTerminalAsync(second);

        Assert.Equal(("sim-1", "token-sim-1"), (hello.RobotId, hello.Token));
        Assert.Equal(StepState.Succeeded, end.State);
        Assert.Equal(2, robot.Robot.Sessions);
        Assert.True(robot.Log.Contains(LogLevel.Warning, "the orchestrator closed the link") || robot.Log.Contains(LogLevel.Warning, "broke"));
    }

    [Fact]
    public async Task The_last_final_report_is_sent_again_on_the_next_link_in_case_the_old_one_lost_it()
    {
        var first = await FakeOrchestrator.StartAsync();
        var port = first.Port;
        await using var robot = RobotUnderTest.Start(first, RobotUnderTest.Settings());
        var observation = await first.Link.NextObservationAsync();
        await first.Link.SendAsync(Traces.Execute(Traces.LiftAndShift(observation, "red cup")));
        var succeeded = await ExecutionTests.NextTerminalAsync(first);
        await first.DisposeAsync();

        await using var second = await FakeOrchestrator.StartAsync(port);
        await second.Link.NextHelloAsync();
        var again = await second.Link.NextEventAsync();

        Assert.Equal(StepState.Succeeded, succeeded.State);
        Assert.Equal((StepState.Succeeded, succeeded.StepId, succeeded.TraceId), (again.StepUpdate?.State, again.StepUpdate?.StepId, again.StepUpdate?.TraceId));
    }

    [Fact]
    public async Task A_step_cut_off_by_a_restart_is_reported_failed_to_the_new_orchestrator()
    {
        var clock = new SteppingTimeProvider();
        var first = await FakeOrchestrator.StartAsync();
        var port = first.Port;
        // A manual clock freezes the step mid-way; reconnect delays are then fired by hand too.
        await using var robot = RobotUnderTest.Start(first, RobotUnderTest.Settings(), clock);
        var observation = await first.Link.NextObservationAsync();
        await first.Link.SendAsync(Traces.Execute(Traces.LiftAndShift(observation, "red cup")));
        await first.Link.NextAsync(m => m.StepUpdate?.State == StepState.Executing, "EXECUTING");
        await first.DisposeAsync();
        // The clock moves the arm too: it may move only once the robot has stopped the step for the lost link (on a
        // loaded machine the robot can notice the loss after the backoff below has started firing timers).
        await robot.Log.WaitForAsync(LogLevel.Warning, "link lost");

        await using var second = await FakeOrchestrator.StartAsync(port);
        var hello = Task.Run(second.Link.NextHelloAsync);
        while (!hello.IsCompleted)
        {
            // Fire the reconnect backoff (and nothing due later); repeat while connection attempts fail.
            await Task.WhenAny(hello, clock.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(5)));
        }
        var failed = await second.Link.NextEventAsync();

        Assert.Equal("sim-1", (await hello).RobotId);
        Assert.Equal((StepState.Failed, "step-1", "trace-1", 0.0), (failed.StepUpdate.State, failed.StepUpdate.StepId, failed.StepUpdate.TraceId, failed.StepUpdate.Progress));
        Assert.Contains("safe stop", failed.StepUpdate.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_token_is_logged_and_the_robot_keeps_trying()
    {
        await using var orchestrator = await FakeOrchestrator.StartAsync(tokens: new Dictionary<string, string> { ["sim-1"] = "right" });
        await using var robot = RobotUnderTest.Start(orchestrator, RobotUnderTest.Settings() with { Token = "wrong" });

        await orchestrator.Link.NextHelloAsync();
        await orchestrator.Link.NextHelloAsync();

        Assert.Equal(0, orchestrator.Link.SessionsOpened);
        Assert.True(robot.Log.Contains(LogLevel.Error, "refused the robot's credentials"));
        Assert.False(robot.Running.IsCompleted);
    }
}
