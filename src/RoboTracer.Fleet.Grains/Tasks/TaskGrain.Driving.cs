using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Tasks;

namespace RoboTracer.Fleet.Grains.Tasks;

/// <summary>Moving the task forward: assignment, the next step, completion.</summary>
public sealed partial class TaskGrain
{
    // Transitions one Drive may make before it lets the turn end (each is at least one append).
    private const int MaxTransitionsPerDrive = 32;

    // Scene watches of steps that verification decided, ended once the drive is over.
    private readonly List<TraceId> _watchesToEnd = [];

    /// <summary>
    /// Takes every transition the state allows now, starting background work where the next one must wait for
    /// it. Idempotent: call it after anything that may have unblocked the task.
    /// </summary>
    private async Task DriveAsync()
    {
        for (var i = 0; i < MaxTransitionsPerDrive; i++)
        {
            if (!State.Exists || State.IsTerminal || State.IsPaused)
            {
                break;
            }
            var progressed = State.Phase switch
            {
                TaskPhase.WaitingForRobot => await TryAssignAsync(),
                TaskPhase.Assigned => await AdvanceStepAsync(),
                _ => false,
            };
            if (!progressed)
            {
                break;
            }
        }
        foreach (var trace in _watchesToEnd)
        {
            await UnwatchAsync(trace);
        }
        _watchesToEnd.Clear();
    }

    private async Task<bool> AdvanceStepAsync()
    {
        if (State.RobotDisconnectedAt is not null)
        {
            // Wait for the robot to come back, or for the watchdog to re-assign.
            return false;
        }
        var step = State.CurrentStep;
        if (step is null)
        {
            Raise(new TaskCompleted(Now));
            await ConfirmEventsAsync();
            await FinishAsync();
            return false;
        }
        switch (step.Phase)
        {
            case StepPhase.Pending:
                await RequestTraceAsync(step, null);
                return false;
            case StepPhase.AwaitingTrace when step.Trace is { } trace && !_traceCalls.ContainsKey(trace):
                await RequestTraceAsync(step, "the earlier request was lost with its activation");
                return false;
            case StepPhase.Verifying:
                await VetPrefetchAsync(step.Index + 1);
                return await VerifyAsync(step);
            default:
                return false;
        }
    }

    /// <summary>Reserves a capable, online, idle robot for the remaining steps; false when none is free now.</summary>
    private async Task<bool> TryAssignAsync()
    {
        var remaining = State.Steps.Skip(State.CurrentStepIndex).Select(s => s.Planned).ToList();
        // The requested robot wins the first assignment; after losing a robot, any capable one may take over.
        IReadOnlyList<RobotStatus> fleet = State.RequestedRobot is { } requested && State.Reassignments == 0
            ? [await GrainFactory.GetRobot(requested).GetStatusAsync()]
            : await GetRobotStatusesAsync();
        var candidates = fleet
            .Where(r => r.IsRegistered
                && r.Connection == RobotConnection.Online
                && (r.ReservedBy is null || r.ReservedBy == Id)
                && (State.Scene is null || r.Scene == State.Scene)
                && StepRequirements.FirstUnmet(r.Capabilities!, remaining) is null)
            .OrderBy(r => State.AvoidedRobots.Contains(r.Id))
            .ThenByDescending(r => r.Battery ?? 0)
            .ThenBy(r => r.Id.Value, StringComparer.Ordinal)
            .ToList();
        foreach (var candidate in candidates)
        {
            // The robot decides atomically (one turn): two tasks racing for it cannot both win.
            if (await GrainFactory.GetRobot(candidate.Id).TryReserveAsync(Id))
            {
                Raise(new RobotAssigned(candidate.Id, candidate.Capabilities!, candidate.Scene!.Value, State.CurrentStepIndex, Now));
                await ConfirmEventsAsync();
                return true;
            }
        }
        return false;
    }

    private async Task<IReadOnlyList<RobotStatus>> GetRobotStatusesAsync()
    {
        var robots = await GrainFactory.GetRobotDirectory().GetRobotsAsync();
        return await Task.WhenAll(robots.Select(r => GrainFactory.GetRobot(r).GetStatusAsync()));
    }

    /// <summary>Lets the robot go; the remaining steps wait for another (bounded by <see cref="TaskOptions.MaxReassignments"/>).</summary>
    private async Task UnassignRobotAsync(string reason, bool avoid)
    {
        if (State.Robot is not { } robot || State.IsTerminal)
        {
            return;
        }
        if (State.Reassignments >= options.MaxReassignments)
        {
            await FailTaskAsync(FailureCategory.Robot, $"{reason}; gave up after {State.Reassignments} robot re-assignments");
            return;
        }
        Raise(new RobotUnassigned(robot, reason, avoid, Now));
        await ConfirmEventsAsync();
        await ReleaseRobotAsync(robot, reason);
    }

    private async Task FailTaskAsync(FailureCategory category, string reason)
    {
        Raise(new TaskFailed(category, reason, Now));
        await ConfirmEventsAsync();
        await FinishAsync();
    }

    /// <summary>The side effects of a terminal phase; idempotent, so resuming a finished task may repeat them.</summary>
    private async Task FinishAsync()
    {
        CancelAllTraceCalls();
        await StopWatchdogAsync();
        if (State.Robot is { } robot)
        {
            await ReleaseRobotAsync(robot, $"task {State.Phase.ToString().ToLowerInvariant()}");
        }
        try
        {
            await GrainFactory.GetTaskIndex().MarkFinishedAsync(Id, State.Phase);
        }
        catch (Exception e)
        {
            // The index still says unfinished: the next start resumes the task, finds it terminal and marks it then.
            Logger.LogWarning(e, "Task {Task} finished but the index was not updated", Id);
        }
    }

    private async Task ReleaseRobotAsync(RobotId robot, string reason)
    {
        try
        {
            await GrainFactory.GetRobot(robot).ReleaseAsync(Id, reason);
        }
        catch (Exception e)
        {
            Logger.LogWarning(e, "Task {Task} could not release robot {Robot}", Id, robot);
        }
    }
}
