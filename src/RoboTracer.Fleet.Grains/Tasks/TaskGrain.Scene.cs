using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.Domain.Tasks;

namespace RoboTracer.Fleet.Grains.Tasks;

/// <summary>Scene memory: watching the current trace, replacing it when the scene changes, verifying a step.</summary>
public sealed partial class TaskGrain
{
    /// <inheritdoc />
    public async Task OnSceneChangedAsync(SceneChangeNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        await ResumeIfFreshAsync();
        var step = State.CurrentStep;
        if (!State.Exists || State.IsTerminal || State.IsPaused || step is not { Phase: StepPhase.Executing } || step.Trace != notice.Trace)
        {
            Logger.LogDebug("Task {Task} ignores a scene change for trace {Trace}: not the current one", Id, notice.Trace);
            return;
        }
        await HandleSceneChangeAsync(step, notice.Trace, notice.Change);
        await DriveAsync();
    }

    /// <summary>Replaces the trace: record, stop the robot, and let the driver trace the step again with a new id.</summary>
    private async Task HandleSceneChangeAsync(TaskStepState step, TraceId trace, SceneChange change)
    {
        if (step.Replacements >= options.MaxTraceReplacementsPerStep)
        {
            await StopCurrentStepAsync($"scene changed: {change.Description}");
            await FailAttemptAsync(step, FailureCategory.Trace, $"the scene kept changing ({change.Description}); the trace was replaced {step.Replacements} times");
            return;
        }
        Raise(new SceneChangeDetected(step.Index, trace, change, Now));
        await ConfirmEventsAsync();
        await CancelOnRobotAsync(step.Index, trace, $"scene changed: {change.Description}");
        await UnwatchAsync(trace);
        _nextTraceReason = $"scene changed: {change.Description}";
    }

    /// <inheritdoc />
    public async Task OnSceneObservedAsync()
    {
        await ResumeIfFreshAsync();
        if (State.Exists && !State.IsTerminal && State.CurrentStep is { Phase: StepPhase.Verifying })
        {
            await DriveAsync();
        }
    }

    /// <summary>
    /// Decides a verifying step when it can (true). The step's scene watch ends when the drive is over
    /// (<see cref="_watchesToEnd"/>): the next step's trace query reads scene memory first, and must not queue
    /// behind the end of the watch there.
    /// </summary>
    private async Task<bool> VerifyAsync(TaskStepState step)
    {
        var trace = step.Trace;
        if (!await TryDecideVerificationAsync(step))
        {
            return false;
        }
        if (trace is not null)
        {
            _watchesToEnd.Add(trace.Value);
        }
        return true;
    }

    private async Task<bool> TryDecideVerificationAsync(TaskStepState step)
    {
        var check = step.Planned.SuccessCheck.Kind;
        if (check == SuccessCheckKind.RobotReport || State.Scene is not { } scene || step.Points is not { } points || step.ObjectId is not { } objectId)
        {
            var how = check == SuccessCheckKind.RobotReport ? "the robot reported success" : "the robot reported success; scene memory does not know the object, so it is not checked";
            Raise(new StepSucceeded(step.Index, how, Now));
            return true;
        }
        var memory = GrainFactory.GetScene(scene);
        // Asked before looking, so an observation merged in between still wakes this task.
        await memory.NotifyOnNextObservationAsync(Id);
        var snapshot = await memory.GetSnapshotAsync();
        var fresh = snapshot.At >= step.PhaseSince;
        if (!fresh && Now - step.PhaseSince < options.VerificationTimeout)
        {
            // Wait for an observation made after the robot finished; the watchdog looks again.
            return false;
        }
        var seen = snapshot.Objects.FirstOrDefault(o => o.Id == objectId);
        string? failure = null;
        var detail = "the robot reported success; no fresh observation of the object to check it against";
        if (fresh && seen is not null)
        {
            var center = seen.Box.Center;
            if (check == SuccessCheckKind.ObjectAtDestination)
            {
                var off = center.DistanceTo(points.Points3D[^1]);
                detail = $"{seen.Label} is {off:0.00} m from where the trace ends";
                failure = off > options.VerificationRadius ? detail : null;
            }
            else
            {
                var moved = center.DistanceTo(points.Points3D[0]);
                detail = $"{seen.Label} moved {moved:0.00} m";
                failure = moved <= options.MoveTolerance ? $"{seen.Label} did not move" : null;
            }
        }
        if (failure is not null)
        {
            await FailAttemptAsync(step, FailureCategory.Robot, $"verification failed: {failure}");
            return true;
        }
        // Confirmed with what the driver decides next (the next trace request, or completion).
        Raise(new StepSucceeded(step.Index, detail, Now));
        return true;
    }

    private async Task WatchAsync(TaskStepState step, TraceId trace, IReadOnlyList<SceneObjectState> seenByTracer)
    {
        if (State.Scene is not { } scene || step.Points is not { } points)
        {
            return;
        }
        SceneChange? missed;
        try
        {
            var watch = new TraceWatch(Id, trace, points.Points3D, step.ObjectId, step.DestinationId, options.CorridorRadius, options.MoveTolerance);
            missed = await GrainFactory.GetScene(scene).WatchTraceAsync(watch, [.. seenByTracer.Select(o => new ObjectPosition(o.Id, o.Box.Center))]);
        }
        catch (Exception e)
        {
            // Executing without a watch only loses re-planning on scene changes; the step itself can go on.
            Logger.LogWarning(e, "Task {Task} could not watch the scene for trace {Trace}", Id, trace);
            return;
        }
        if (missed is not null)
        {
            await HandleSceneChangeAsync(step, trace, missed);
        }
    }

    /// <summary>Ends the watch on <paramref name="trace"/>; one way, so this only queues the call.</summary>
    private async Task UnwatchAsync(TraceId trace)
    {
        if (State.Scene is { } scene)
        {
            await GrainFactory.GetScene(scene).UnwatchTraceAsync(trace);
        }
    }
}
