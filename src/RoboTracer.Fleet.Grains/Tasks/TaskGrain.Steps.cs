using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.Domain.Tasks;
using RoboTracer.Fleet.Domain.Traces;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Grains.Scene;
using RoboTracer.Fleet.Grains.Tracing;

namespace RoboTracer.Fleet.Grains.Tasks;

/// <summary>One step: trace it, send it, follow the robot, count failed attempts.</summary>
public sealed partial class TaskGrain
{
    // Trace requests this activation started; an answer to any other request is stale.
    private readonly Dictionary<TraceId, TraceCall> _traceCalls = [];
    private string? _nextTraceReason;

    /// <inheritdoc />
    public async Task OnTraceCompletedAsync(TraceOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        _traceCalls.Remove(outcome.Trace, out var call);
        call?.Cancellation.Dispose();
        if (call is not null && outcome.AskedWith is { } asked)
        {
            call = call with { Query = asked };
        }
        await ResumeIfFreshAsync();
        var step = State.CurrentStep;
        if (call is null || State.IsTerminal || State.IsPaused || step is null || step.Index != outcome.StepIndex
            || step.Phase != StepPhase.AwaitingTrace || step.Trace != outcome.Trace)
        {
            Logger.LogDebug("Task {Task} ignores the answer to trace request {Trace}: no longer wanted", Id, outcome.Trace);
            return;
        }
        if (call.Query.Unbound is { } unbound)
        {
            await FailUnboundAsync(step, unbound);
            return;
        }
        if (State.RobotDisconnectedAt is not null)
        {
            // Not a failed attempt: the step is traced again (fresh scene) once the robot is back or replaced.
            Logger.LogDebug("Task {Task} drops trace {Trace}: its robot is offline", Id, outcome.Trace);
            return;
        }
        if (outcome.Error is { } error || outcome.Points is null)
        {
            await FailAttemptAsync(step, FailureCategory.Trace, $"the inference pool failed: {outcome.Error ?? "no trace"}");
            await DriveAsync();
            return;
        }
        await AssignTraceAsync(step, call.Query, outcome.Points);
    }

    /// <summary>
    /// Checks the answer to <paramref name="query"/> once more, records it (with whatever the turn raised before: one
    /// append) and sends it to the robot; a trace that fails the check is a failed attempt.
    /// </summary>
    private async Task AssignTraceAsync(TaskStepState step, TraceQuery query, SpatialTrace points)
    {
        // No image bound on the 2D points: they are for display, and a metric trace may leave the camera's view (an
        // object lifted above the frame) and still be executable. The robot follows the 3D points; the workspace bounds those.
        var problem = TraceValidator.Problem(points, State.RobotCapabilities?.Workspace, intrinsics: null, options.WorkspaceTolerance);
        if (problem is not null)
        {
            Logger.LogWarning("Task {Task} rejected trace {Trace}: {Problem}", Id, query.Trace, problem);
            await FailAttemptAsync(step, FailureCategory.Trace, $"trace {query.Trace} was rejected before it reached the robot: {problem}");
            await DriveAsync();
            return;
        }
        var robot = State.Robot!.Value;
        Raise(new TraceAssigned(step.Index, query.Trace, points, robot, query.Object?.Id, query.Destination?.Id, Now, query.Frame, query.Object, query.Destination));
        await ConfirmEventsAsync();
        await DispatchAsync(new Dispatch(CommandFor(step, robot, query.Trace), query.SceneHints, Now));
    }

    /// <summary>The command that sends <paramref name="step"/>'s assigned trace (its points and object, as recorded) to <paramref name="robot"/>.</summary>
    private ExecuteTraceCommand CommandFor(TaskStepState step, RobotId robot, TraceId trace) =>
        new(robot, Id, step.Index, trace, step.Planned.TraceInstruction, step.Points!, step.ObjectId);

    /// <summary>
    /// Sends the step's trace to the robot and watches the scene along it. A robot whose grain does not know its
    /// link yet (just activated on another silo) got nothing: the watchdog sends again until the link is back, for
    /// up to <see cref="TaskOptions.ReassignAfterDisconnect"/>, without spending an attempt.
    /// </summary>
    private async Task DispatchAsync(Dispatch dispatch)
    {
        var command = dispatch.Command;
        _undelivered = null;
        try
        {
            await GrainFactory.GetRobot(command.Robot).ExecuteStepAsync(command);
        }
        catch (RobotNotLinkedException)
        {
            Logger.LogInformation("Task {Task}: robot {Robot} has no known link yet; trace {Trace} is sent again at the next watchdog tick", Id, command.Robot, command.Trace);
            _undelivered = dispatch;
            return;
        }
        catch (Exception e)
        {
            await FailAttemptAsync(State.CurrentStep!, FailureCategory.Robot, $"robot '{command.Robot}' did not take trace {command.Trace}: {e.Message}");
            await DriveAsync();
            return;
        }
        Dispatched(command.StepIndex);
        await WatchAsync(State.CurrentStep!, command.Trace, dispatch.SceneHints);
        await PrefetchNextTraceAsync(command.StepIndex);
        await DriveAsync();
    }

    /// <summary>Sends again a trace that found no link (<see cref="DispatchAsync"/>), while its step still waits for it.</summary>
    private async Task RetryUndeliveredAsync(DateTimeOffset now)
    {
        if (_undelivered is not { } dispatch)
        {
            return;
        }
        if (State.CurrentStep is not { Phase: StepPhase.Executing } step || step.Trace != dispatch.Command.Trace)
        {
            _undelivered = null;
            return;
        }
        if (now - dispatch.Since >= options.ReassignAfterDisconnect)
        {
            _undelivered = null;
            await FailAttemptAsync(step, FailureCategory.Robot, $"robot '{dispatch.Command.Robot}' is online but its link did not come back within {Describe(options.ReassignAfterDisconnect)}");
            return;
        }
        await DispatchAsync(dispatch);
    }

    /// <inheritdoc />
    public async Task OnStepUpdateAsync(RobotStepUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        await ResumeIfFreshAsync();
        var step = State.CurrentStep;
        if (!State.Exists || State.IsTerminal || step is null || step.Index != update.StepIndex
            || step.Phase != StepPhase.Executing || step.Trace != update.Trace)
        {
            Logger.LogDebug("Task {Task} ignores a report on trace {Trace}: not the current one", Id, update.Trace);
            return;
        }
        switch (update.State)
        {
            case RobotStepState.Accepted:
            case RobotStepState.Executing:
                // Progress is recorded in tenths: enough to follow a step without an event per robot message.
                if (step.RobotState != update.State || update.Progress - step.Progress >= 0.1)
                {
                    Raise(new StepExecutionReported(step.Index, update.Trace, update.State, update.Progress, Now));
                    await ConfirmEventsAsync();
                }
                return;
            case RobotStepState.Succeeded:
                // The watch stays until verification decides (the carried object's move does not fire it): ended
                // now, its end would queue in scene memory ahead of the very observation verification waits for.
                // From when the report arrived: the robot's next observation may be merged before this turn runs.
                // Not confirmed on its own: when the observation is already there, verification, success and the
                // next trace request are one decision and one append (at the end of the turn).
                Raise(new StepVerificationStarted(step.Index, update.Trace, update.ReceivedAt is { } received && received < Now ? received : Now));
                await DriveAsync();
                return;
            default:
                await UnwatchAsync(update.Trace);
                var robot = step.Robot ?? State.Robot!.Value;
                var what = update.State == RobotStepState.Failed
                    ? $"failed the step ({(update.Failure ?? RobotFailureKind.Unspecified).ToString().ToLowerInvariant()})"
                    : "cancelled the step on its own";
                var reason = $"robot '{robot}' {what}{(string.IsNullOrWhiteSpace(update.Detail) ? "" : ": " + update.Detail)}";
                await FailAttemptAsync(step, FailureCategory.Robot, reason, update.Failure ?? RobotFailureKind.Unspecified);
                // The remaining steps go to another capable robot if there is one (this one only as a last resort).
                await UnassignRobotAsync(reason, avoid: true);
                await DriveAsync();
                return;
        }
    }

    private async Task RequestTraceAsync(TaskStepState step, string? reason)
    {
        var firstTry = reason is null && _nextTraceReason is null && step.Attempts == 0 && step.Replacements == 0;
        reason ??= _nextTraceReason ?? (firstTry ? "first attempt" : "step started again");
        _nextTraceReason = null;
        if (firstTry && await TryAssignPrefetchedAsync(step))
        {
            return;
        }
        var trace = TraceId.New();
        Raise(new TraceRequested(step.Index, trace, reason, Now));
        // The pool is asked while the turn's events are appended: a query changes nothing, and its answer comes
        // back as a message that runs after this turn, so after the append. Should the append fail, the
        // activation dies, the call is cancelled with it, and the next activation asks again.
        StartTraceCall(await BuildQueryAsync(step, trace), step.Planned);
    }

    private async Task<TraceQuery> BuildQueryAsync(TaskStepState step, TraceId trace)
    {
        var query = new TraceQuery(trace, Id, step.Index, step.Planned.TraceInstruction, State.Robot!.Value, null, [], null, null, State.RobotCapabilities?.Workspace);
        return State.Scene is { } scene ? await WithSceneAsync(GrainFactory.GetScene(scene), query, step.Planned) : query;
    }

    // What scene memory knows now, filled into the query. Only grain calls: safe outside the task's turn.
    private static async Task<TraceQuery> WithSceneAsync(ISceneMemoryGrain memory, TraceQuery query, PlannedStep planned)
    {
        var snapshot = await memory.GetSnapshotAsync();
        var (obj, destination, unbound) = Ground(snapshot, planned);
        return query with
        {
            Frame = await memory.GetLatestFrameAsync(),
            SceneHints = snapshot.Objects,
            Object = obj,
            Destination = destination,
            Unbound = unbound,
        };
    }

    private void StartTraceCall(TraceQuery query, PlannedStep planned)
    {
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(ActivationLifetime);
        var token = cancellation.Token;
        _traceCalls[query.Trace] = new TraceCall(query, cancellation);
        var self = this.AsReference<ITaskGrain>();
        var pool = tracer;
        var memory = State.Scene is { } scene && options.WaitForFirstFrame ? GrainFactory.GetScene(scene) : null;
        var time = TimeProvider;
        var frameWait = options.FrameWaitInterval;
        // Outside the grain: a slow pool must not hold the turn (cancel and pause stay responsive). The answer
        // comes back as a message, checked against the step and trace id it was asked for.
        _ = Task.Run(async () =>
        {
            TraceOutcome outcome;
            var asked = query;
            try
            {
                // A robot that just connected may not have sent its first frame yet: a tracer needs one, so wait for
                // it (the trace timeout bounds the wait) rather than count a failed attempt.
                while (asked.Frame is null && memory is not null)
                {
                    await Task.Delay(frameWait, time, token);
                    asked = await WithSceneAsync(memory, asked, planned);
                }
                outcome = asked.Unbound is { } unbound
                    ? new TraceOutcome(asked.StepIndex, asked.Trace, null, unbound, asked)
                    : new TraceOutcome(asked.StepIndex, asked.Trace, await pool.TraceAsync(asked, token), null, asked);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                outcome = new TraceOutcome(asked.StepIndex, asked.Trace, null, e.Message, asked);
            }
            await self.OnTraceCompletedAsync(outcome);
        }, CancellationToken.None);
    }

    private void CancelTraceCall(TraceId trace)
    {
        if (_traceCalls.Remove(trace, out var call))
        {
            call.Cancellation.Cancel();
            call.Cancellation.Dispose();
        }
    }

    private void CancelAllTraceCalls()
    {
        foreach (var trace in _traceCalls.Keys.ToList())
        {
            CancelTraceCall(trace);
        }
    }

    /// <summary>Stops whatever the current step has in flight (tracer call, robot execution, watch), without an event.</summary>
    private async Task StopCurrentStepAsync(string reason)
    {
        DropPrefetch();
        if (State.CurrentStep is not { Trace: { } trace } step)
        {
            return;
        }
        CancelTraceCall(trace);
        if (step.Phase == StepPhase.Executing)
        {
            await CancelOnRobotAsync(step.Index, trace, reason);
        }
        if (step.Phase is StepPhase.Executing or StepPhase.Verifying)
        {
            // A verifying step still has its watch: it ends when verification decides, or here.
            await UnwatchAsync(trace);
        }
    }

    /// <summary>Counts a failed attempt; the step starts over, or the task fails once the step used up its attempts.</summary>
    private async Task FailAttemptAsync(TaskStepState step, FailureCategory category, string reason, RobotFailureKind? robotFailure = null)
    {
        Raise(new StepAttemptFailed(step.Index, category, reason, robotFailure, Now));
        if (step.Attempts >= options.MaxAttemptsPerStep)
        {
            await FailTaskAsync(category, $"step {step.Index + 1} ('{step.Planned.TraceInstruction}') failed {step.Attempts} times; last: {reason}");
            return;
        }
        await ConfirmEventsAsync();
        _nextTraceReason = $"retry {step.Attempts} after: {reason}";
    }

    private async Task CancelOnRobotAsync(int stepIndex, TraceId trace, string reason)
    {
        if (State.Robot is not { } robot)
        {
            return;
        }
        try
        {
            await GrainFactory.GetRobot(robot).CancelStepAsync(new CancelStepCommand(robot, Id, stepIndex, trace, reason));
        }
        catch (Exception e)
        {
            Logger.LogWarning(e, "Task {Task} could not cancel trace {Trace} on robot {Robot}", Id, trace, robot);
        }
    }

    private sealed record TraceCall(TraceQuery Query, CancellationTokenSource Cancellation);

    /// <summary>A trace on its way to the robot, first sent at <paramref name="Since"/>.</summary>
    private sealed record Dispatch(ExecuteTraceCommand Command, IReadOnlyList<SceneObjectState> SceneHints, DateTimeOffset Since);
}
