using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Tasks;

namespace RoboTracer.Fleet.Grains.Tasks;

/// <summary>
/// Time: step deadlines, a robot that went away, resuming after a restart or on another silo. Deadlines are not
/// timers but times in the state (when each phase began), so whichever activation holds the task recomputes them.
/// The watchdog timer checks them while the task is active; a reminder (<see cref="ResumeReminder"/>) outlives the
/// silo, so a task whose silo died is activated again on another one and carries on.
/// </summary>
public sealed partial class TaskGrain : IRemindable
{
    /// <summary>The reminder of an unfinished task: every <see cref="TaskOptions.ResumePeriod"/> it activates the task wherever it lives.</summary>
    public const string ResumeReminder = "resume";

    private IGrainTimer? _watchdog;
    private IGrainReminder? _resume;
    private Dispatch? _undelivered;

    // True until this activation has taken over the task: a fresh activation did not start what the events say
    // is in flight, so it must re-issue it.
    private bool _fresh = true;

    /// <inheritdoc />
    public async Task OnRobotConnectionChangedAsync(RobotId robot, RobotConnection connection)
    {
        await ResumeIfFreshAsync();
        if (!State.Exists || State.IsTerminal || State.Robot != robot)
        {
            return;
        }
        if (connection == RobotConnection.Offline && State.RobotDisconnectedAt is null)
        {
            Raise(new AssignedRobotDisconnected(robot, Now));
            await ConfirmEventsAsync();
        }
        else if (connection == RobotConnection.Online && State.RobotDisconnectedAt is not null)
        {
            await RobotReconnectedAsync(robot);
            await DriveAsync();
        }
    }

    private async Task ResumeIfFreshAsync()
    {
        if (!_fresh)
        {
            return;
        }
        _fresh = false;
        try
        {
            await TakeOverAsync();
        }
        catch
        {
            // Most often the robot's grain is on a silo that died and is not yet declared dead: the next call to this
            // task takes over again, instead of leaving a step in flight that no activation looks after.
            _fresh = true;
            throw;
        }
    }

    private async Task TakeOverAsync()
    {
        if (!State.Exists || State.IsTerminal)
        {
            return;
        }
        await StartWatchdogAsync();
        if (State.CurrentStep is { Phase: StepPhase.Executing, Trace: { } trace } step && State.Robot is { } robot)
        {
            // The activation that sent the trace is gone (its silo died, or the whole node restarted). The robot's
            // grain knows what became of it: a robot still online on that trace goes on with it, and a report that
            // never reached this task is taken now. Asked in that order: the robot may finish the trace between the
            // two calls, and a final report ends its current trace, so the second call sees the report; asked the
            // other way round, the finish would fall between and the step would run twice.
            var grain = GrainFactory.GetRobot(robot);
            var status = await grain.GetStatusAsync();
            if (status.Connection == RobotConnection.Online && status.CurrentStep is { } current && current.Trace == trace)
            {
                if (current.State is null)
                {
                    // The robot has said nothing of the trace: the command may have died with the link of the silo
                    // that was killed. Sent again (under its first command id, so a robot that has it only
                    // acknowledges it); a robot whose link is not known yet gets it at a watchdog tick.
                    Logger.LogInformation("Task {Task} resumed: robot {Robot} was sent trace {Trace} but never reported on it; sending it again", Id, robot, trace);
                    await DispatchAsync(new Dispatch(CommandFor(step, robot, trace), [], Now));
                    return;
                }
                Logger.LogInformation("Task {Task} resumed: robot {Robot} is still following trace {Trace}", Id, robot, trace);
                return;
            }
            if (await grain.GetLastReportAsync(trace) is { IsFinal: true } report)
            {
                Logger.LogInformation("Task {Task} resumed: robot {Robot} had reported trace {Trace} {State}", Id, robot, trace, report.State);
                await OnStepUpdateAsync(report);
                return;
            }
            // Whether the robot still follows that trace is unknown: stop it, trace again.
            await CancelOnRobotAsync(step.Index, trace, "the orchestrator restarted");
            await UnwatchAsync(trace);
            Raise(new StepInterrupted(step.Index, "resumed after a restart: the step is traced and issued again", Now));
            await ConfirmEventsAsync();
            _nextTraceReason = "resumed after a restart";
        }
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ResumeReminder)
        {
            return;
        }
        await ResumeIfFreshAsync();
        if (!State.Exists || State.IsTerminal)
        {
            await StopWatchdogAsync();
            return;
        }
        await StartWatchdogAsync();
    }

    private async Task StartWatchdogAsync()
    {
        _watchdog ??= RegisterConfirmingTimer(
            OnWatchdogAsync,
            // Kept alive: an unfinished task must stay active to notice deadlines even when nothing calls it.
            new GrainTimerCreationOptions { DueTime = options.WatchdogInterval, Period = options.WatchdogInterval, KeepAlive = true });
        if (_resume is not null)
        {
            return;
        }
        try
        {
            _resume = await this.RegisterOrUpdateReminder(ResumeReminder, options.ResumePeriod, options.ResumePeriod);
        }
        catch (Exception e)
        {
            // The task runs on here; only its resumption elsewhere waits. Tried again at the next watchdog tick.
            Logger.LogWarning(e, "Task {Task}: its resume reminder was not registered; if its silo dies before it is, the task resumes only when the cluster restarts", Id);
        }
    }

    private async Task StopWatchdogAsync()
    {
        _watchdog?.Dispose();
        _watchdog = null;
        try
        {
            if ((_resume ?? await this.GetReminder(ResumeReminder)) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
            _resume = null;
        }
        catch (Exception e)
        {
            // A leftover reminder only wakes the finished task, which unregisters it then.
            Logger.LogWarning(e, "Task {Task}: its resume reminder was not removed; the next tick removes it", Id);
        }
    }

    private async Task OnWatchdogAsync(CancellationToken cancellationToken)
    {
        await ResumeIfFreshAsync();
        if (!State.Exists || State.IsTerminal)
        {
            await StopWatchdogAsync();
            return;
        }
        if (_resume is null)
        {
            await StartWatchdogAsync();
        }
        if (State.IsPaused)
        {
            return;
        }
        var now = Now;
        if (State.Phase == TaskPhase.WaitingForRobot && now - State.PhaseSince >= options.AssignmentTimeout)
        {
            await FailTaskAsync(FailureCategory.Robot, $"no capable, online, idle robot was available for {Describe(options.AssignmentTimeout)}");
            return;
        }
        if (State.Phase == TaskPhase.Assigned)
        {
            await CheckRobotAsync(now);
        }
        if (State.Phase == TaskPhase.Assigned && !State.IsTerminal && State.RobotDisconnectedAt is null && State.CurrentStep is { } step)
        {
            await CheckStepDeadlineAsync(step, now);
            await RetryUndeliveredAsync(now);
        }
        await DriveAsync();
    }

    /// <summary>Notices a robot that went away (the notification may have been lost) and re-assigns after the grace period.</summary>
    private async Task CheckRobotAsync(DateTimeOffset now)
    {
        var robot = State.Robot!.Value;
        var status = await GrainFactory.GetRobot(robot).GetStatusAsync();
        if (State.RobotDisconnectedAt is not { } since)
        {
            if (status.Connection == RobotConnection.Offline)
            {
                Raise(new AssignedRobotDisconnected(robot, now));
                await ConfirmEventsAsync();
            }
            return;
        }
        if (status.Connection == RobotConnection.Online)
        {
            await RobotReconnectedAsync(robot);
            return;
        }
        if (now - since < options.ReassignAfterDisconnect)
        {
            return;
        }
        var reason = $"robot '{robot}' was offline for {Describe(now - since)}";
        if (State.CurrentStep is { Phase: StepPhase.AwaitingTrace or StepPhase.Executing } step)
        {
            await StopCurrentStepAsync(reason);
            Raise(new StepInterrupted(step.Index, reason, now));
        }
        await UnassignRobotAsync(reason, avoid: true);
    }

    private async Task RobotReconnectedAsync(RobotId robot)
    {
        Raise(new AssignedRobotReconnected(robot, Now));
        if (State.CurrentStep is { Phase: StepPhase.Executing, Trace: { } trace } step)
        {
            // Whether it kept the trace through the outage is unknown: stop it and issue the step again.
            await CancelOnRobotAsync(step.Index, trace, "the robot reconnected");
            await UnwatchAsync(trace);
            Raise(new StepInterrupted(step.Index, $"robot '{robot}' reconnected; the step is issued again", Now));
            _nextTraceReason = "robot reconnected";
        }
        await ConfirmEventsAsync();
    }

    private async Task CheckStepDeadlineAsync(TaskStepState step, DateTimeOffset now)
    {
        var waited = now - step.PhaseSince;
        if (step is { Phase: StepPhase.AwaitingTrace, Trace: { } requested } && waited >= options.TraceTimeout)
        {
            CancelTraceCall(requested);
            await FailAttemptAsync(step, FailureCategory.Timeout, $"the inference pool gave no trace within {Describe(options.TraceTimeout)}");
        }
        else if (step is { Phase: StepPhase.Executing, Trace: { } executing } && waited >= options.StepTimeout)
        {
            await CancelOnRobotAsync(step.Index, executing, "step timed out");
            await UnwatchAsync(executing);
            await FailAttemptAsync(step, FailureCategory.Timeout, $"robot '{State.Robot}' did not finish the step within {Describe(options.StepTimeout)}");
        }
    }
}
