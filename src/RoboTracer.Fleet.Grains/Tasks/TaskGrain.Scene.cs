using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.Domain.Tasks;
using RoboTracer.Fleet.Domain.Traces;

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

    /// <summary>
    /// Decides a step the robot reported done, from the scene after it (<see cref="StepVerifier"/>): it succeeds only
    /// when scene memory shows the bound object where the check wants it. An object it cannot check (none bound, no
    /// observation after the report within <see cref="TaskOptions.VerificationTimeout"/>) is a failed attempt, never a
    /// success; so is a trace that moved another object, which the failure names.
    /// </summary>
    private async Task<bool> TryDecideVerificationAsync(TaskStepState step)
    {
        var check = step.Planned.SuccessCheck.Kind;
        if (check == SuccessCheckKind.RobotReport)
        {
            Raise(new StepSucceeded(step.Index, "the robot reported success (the step's check is the robot's report)", Now));
            return true;
        }
        if (State.Scene is not { } scene || step.Points is not { } points || step.Trace is not { } trace || step.ObjectId is not { } objectId)
        {
            await FailAttemptAsync(step, FailureCategory.Robot,
                $"verification failed: scene memory does not know the object the step moves ({step.Planned.Object}), so the robot's report of success cannot be checked");
            return true;
        }
        var memory = GrainFactory.GetScene(scene);
        // Asked before looking, so an observation merged in between still wakes this task.
        await memory.NotifyOnNextObservationAsync(Id);
        var snapshot = await memory.GetSnapshotAsync();
        if (snapshot.At < step.PhaseSince)
        {
            if (Now - step.PhaseSince < options.VerificationTimeout)
            {
                // Wait for an observation made after the robot finished; the watchdog looks again.
                return false;
            }
            await FailAttemptAsync(step, FailureCategory.Robot,
                $"verification failed: no observation of scene {scene} arrived within {Describe(options.VerificationTimeout)} of the robot's report of success, so {step.Planned.Object} ({objectId}) could not be checked");
            return true;
        }
        var before = await memory.GetWatchBaselineAsync(trace);
        var start = before.FirstOrDefault(p => p.ObjectId == objectId)?.Center ?? points.Points3D[0];
        var verdict = StepVerifier.Verify(
            new StepExpectation(check, objectId, step.Planned.Object, start, points.Points3D[^1], before, options.VerificationRadius, options.MoveTolerance,
                step.DestinationId, step.Planned.Direction),
            snapshot);
        if (!verdict.Succeeded)
        {
            await FailAttemptAsync(step, FailureCategory.Robot, $"verification failed: {verdict.Detail}");
            return true;
        }
        // Confirmed with what the driver decides next (the next trace request, or completion).
        Raise(new StepSucceeded(step.Index, verdict.Detail, Now));
        return true;
    }

    /// <summary>
    /// The step's object and destination in <paramref name="snapshot"/>: the objects the plan bound, else what its
    /// words name (a plan made before the task had a robot, so without a scene). Problem: why the object or the
    /// destination binds nothing, once the scene has been observed; the step is not traced then.
    /// </summary>
    private static (SceneObjectState? Object, SceneObjectState? Destination, string? Problem) Ground(SceneSnapshot snapshot, PlannedStep planned)
    {
        if (snapshot.At == DateTimeOffset.MinValue)
        {
            // Nothing observed yet: the trace call waits for the first frame and binds again then.
            return (null, null, null);
        }
        var obj = SceneGrounding.Bind(snapshot, planned.Object, planned.ObjectId);
        var destination = planned.Destination is { } d ? SceneGrounding.Bind(snapshot, d, planned.DestinationId) : null;
        return (obj.Object, destination?.Object, obj.Problem ?? destination?.Problem);
    }

    /// <summary>A step whose object or destination binds nothing in the robot's scene fails its task: tracing it cannot help.</summary>
    private Task FailUnboundAsync(TaskStepState step, string problem) =>
        FailTaskAsync(FailureCategory.Planning, $"step {step.Index + 1} (\"{step.Planned.TraceInstruction}\"): {problem}");

    private async Task WatchAsync(TaskStepState step, TraceId trace, IReadOnlyList<SceneObjectState> seenByTracer)
    {
        if (State.Scene is not { } scene || step.Points is not { } points)
        {
            return;
        }
        SceneChange? missed;
        try
        {
            missed = await GrainFactory.GetScene(scene).WatchTraceAsync(WatchOf(trace, points, step.ObjectId, step.DestinationId), Positions(seenByTracer));
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

    /// <summary>The watch on a trace that moves <paramref name="objectId"/> to <paramref name="destinationId"/>, with this task's corridor and tolerance.</summary>
    private TraceWatch WatchOf(TraceId trace, SpatialTrace points, string? objectId, string? destinationId) =>
        new(Id, trace, points.Points3D, objectId, destinationId, options.CorridorRadius, options.MoveTolerance);

    /// <summary>Where <paramref name="objects"/> are: a watch's baseline.</summary>
    private static List<ObjectPosition> Positions(IEnumerable<SceneObjectState> objects) =>
        [.. objects.Select(o => new ObjectPosition(o.Id, o.Box.Center))];

    /// <summary>Ends the watch on <paramref name="trace"/>; one way, so this only queues the call.</summary>
    private async Task UnwatchAsync(TraceId trace)
    {
        if (State.Scene is { } scene)
        {
            await GrainFactory.GetScene(scene).UnwatchTraceAsync(trace);
        }
    }
}
