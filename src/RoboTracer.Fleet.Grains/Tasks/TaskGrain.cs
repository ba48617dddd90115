using System.Globalization;
using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Tasks;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Serialization;
using RoboTracer.Fleet.Grains.EventSourcing;
using RoboTracer.Fleet.Serialization;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Grains.Tracing;

namespace RoboTracer.Fleet.Grains.Tasks;

/// <summary>
/// One long-horizon task: the state machine of <see cref="TaskState"/> driven by users, its robot, scene memory,
/// the inference pool and a watchdog timer. Split by concern: this file holds the user-facing calls;
/// <c>.Driving</c> moves the task forward and assigns robots; <c>.Steps</c> handles traces, robot reports and
/// scene changes; <c>.Watchdog</c> timeouts, disconnects and resuming after a restart.
/// </summary>
/// <remarks>
/// <para>
/// Turns stay short: planning is the only long await (inside <see cref="SubmitAsync"/>, before the task exists),
/// and trace requests run outside the grain and come back through <see cref="OnTraceCompletedAsync"/>, so a cancel
/// or pause is never stuck behind a slow pool. Every answer is checked against the current step and trace id:
/// anything about a replaced trace is stale and ignored.
/// </para>
/// <para>
/// Calls go one way: this grain awaits robots, scene memory and the indexes; they only send it one-way
/// notifications. No two grains ever wait on each other.
/// </para>
/// </remarks>
public sealed partial class TaskGrain(IEventStore store, EventSerializer serializer, IPlanner planner, ISpatialTracer tracer, TaskOptions options)
    : EventSourcedGrain<TaskState, TaskEvent>(store, serializer), ITaskGrain
{
    private const int MaxPlanSteps = 100;

    /// <inheritdoc />
    protected override string StreamId => FleetStreams.Task(Id);

    private TaskId Id => new(this.GetPrimaryKeyString());

    private DateTimeOffset Now => TimeProvider.GetUtcNow();

    /// <inheritdoc />
    public async Task<TaskStatusView> SubmitAsync(TaskSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (State.Exists)
        {
            await ResumeIfFreshAsync();
            if (State.Instruction == submission.Instruction && State.RequestedRobot == submission.Robot)
            {
                return View();
            }
            throw new InvalidOperationException($"Task '{Id}' exists already with another instruction; submit under a new id.");
        }
        _fresh = false;
        if (submission.Problem() is { } problem)
        {
            throw new ArgumentException($"Task '{Id}' was not submitted: {problem}.", nameof(submission));
        }
        var submittedAt = Now;
        RobotStatus? requested = null;
        if (submission.Robot is { } robot)
        {
            requested = await GrainFactory.GetRobot(robot).GetStatusAsync();
            if (!requested.IsRegistered)
            {
                throw new UnknownRobotException(robot);
            }
        }
        var scene = submission.Scene ?? requested?.Scene;
        var snapshot = scene is { } s ? await GrainFactory.GetScene(s).GetSnapshotAsync() : null;
        if (snapshot?.At == DateTimeOffset.MinValue)
        {
            // Never observed (a robot that just connected): plan without a scene rather than find nothing in it.
            snapshot = null;
        }
        IReadOnlyList<RobotStatus> fleet = requested is not null ? [requested] : await GetRobotStatusesAsync();
        var capabilities = fleet.Where(r => r.IsRegistered && (scene is null || r.Scene == scene)).Select(r => r.Capabilities!).ToList();

        var planningStartedAt = Now;
        var (plan, failure) = await PlanAsync(new PlanningRequest(submission.Instruction, snapshot, capabilities, Id));
        if (plan is not null && requested is not null && StepRequirements.FirstUnmet(requested.Capabilities!, plan.Steps) is { } unmet)
        {
            throw new RobotCapabilityException(requested.Id, unmet.Action, unmet.Step.Index, unmet.Step.TraceInstruction, requested.Capabilities!.Actions);
        }

        // From here the task exists. The index first, so that no task is ever missing from it.
        await GrainFactory.GetTaskIndex().AddAsync(Id);
        Raise(new TaskSubmitted(Id, submission.Instruction, submission.Robot, scene, submittedAt));
        Raise(new TaskPlanningStarted(planningStartedAt));
        if (failure is { } f)
        {
            await FailTaskAsync(f.Category, f.Reason);
            return View();
        }
        Raise(new TaskPlanned(plan!, Now));
        await ConfirmEventsAsync();
        await StartWatchdogAsync();
        await DriveAsync();
        return View();
    }

    /// <inheritdoc />
    public async Task<TaskStatusView> GetStatusAsync()
    {
        ThrowIfMissing();
        await ResumeIfFreshAsync();
        return View();
    }

    /// <inheritdoc />
    public async Task<TaskStatusView> CancelAsync(string reason)
    {
        ThrowIfMissing();
        await ResumeIfFreshAsync();
        if (State.Phase == TaskPhase.Cancelled)
        {
            return View();
        }
        ThrowIfTerminal("cancelled");
        reason = string.IsNullOrWhiteSpace(reason) ? "cancelled by a user" : reason;
        await StopCurrentStepAsync($"task cancelled: {reason}");
        Raise(new TaskCancelled(reason, Now));
        await ConfirmEventsAsync();
        await FinishAsync();
        return View();
    }

    /// <inheritdoc />
    public async Task<TaskStatusView> PauseAsync(string reason)
    {
        ThrowIfMissing();
        await ResumeIfFreshAsync();
        ThrowIfTerminal("paused");
        if (State.IsPaused)
        {
            return View();
        }
        reason = string.IsNullOrWhiteSpace(reason) ? "paused by a user" : reason;
        if (State.CurrentStep is { Phase: StepPhase.AwaitingTrace or StepPhase.Executing } step && State.Phase == TaskPhase.Assigned)
        {
            await StopCurrentStepAsync($"task paused: {reason}");
            Raise(new StepInterrupted(step.Index, $"task paused: {reason}", Now));
        }
        Raise(new TaskPaused(reason, Now));
        await ConfirmEventsAsync();
        return View();
    }

    /// <inheritdoc />
    public async Task<TaskStatusView> ResumeAsync()
    {
        ThrowIfMissing();
        await ResumeIfFreshAsync();
        ThrowIfTerminal("resumed");
        if (!State.IsPaused)
        {
            return View();
        }
        Raise(new TaskResumed(Now));
        await ConfirmEventsAsync();
        _nextTraceReason = "task resumed";
        await DriveAsync();
        return View();
    }

    /// <inheritdoc />
    public async Task<TaskStatusView> EnsureRunningAsync()
    {
        ThrowIfMissing();
        await ResumeIfFreshAsync();
        if (State.IsTerminal)
        {
            // The node may have stopped between the terminal event and its side effects: do them again (idempotent).
            await FinishAsync();
        }
        else
        {
            await StartWatchdogAsync();
            await DriveAsync();
        }
        return View();
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        CancelAllTraceCalls();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <inheritdoc />
    protected override void TransitionState(TaskState state, TaskEvent @event) => state.Apply(@event);

    private async Task<(Plan? Plan, (FailureCategory Category, string Reason)? Failure)> PlanAsync(PlanningRequest request)
    {
        using var timeout = new CancellationTokenSource(options.PlanningTimeout, TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, ActivationLifetime);
        try
        {
            var plan = await planner.PlanAsync(request, linked.Token);
            return PlanProblem(plan) is { } problem
                ? (null, (FailureCategory.Planning, $"the planner returned an unusable plan: {problem}"))
                : (plan, null);
        }
        catch (PlanningException e)
        {
            return (null, (FailureCategory.Planning, e.Message));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return (null, (FailureCategory.Timeout, $"planning took longer than {Describe(options.PlanningTimeout)}"));
        }
    }

    private static string? PlanProblem(Plan? plan)
    {
        if (plan?.Steps is null || plan.Steps.Count == 0)
        {
            return "it has no steps";
        }
        if (plan.Steps.Count > MaxPlanSteps)
        {
            return $"it has {plan.Steps.Count} steps; at most {MaxPlanSteps} are allowed";
        }
        for (var i = 0; i < plan.Steps.Count; i++)
        {
            var step = plan.Steps[i];
            if (step is null || step.Index != i)
            {
                return $"step {i} is missing or has index {step?.Index}";
            }
            if (!Enum.IsDefined(step.Action))
            {
                return $"step {i} has unknown action {(int)step.Action}";
            }
            if (string.IsNullOrWhiteSpace(step.TraceInstruction) || step.SuccessCheck is null)
            {
                return $"step {i} has no trace instruction or no success check";
            }
        }
        return null;
    }

    private TaskStatusView View() => State.ToView(TentativeVersion);

    private void ThrowIfMissing()
    {
        if (!State.Exists)
        {
            throw new UnknownTaskException(Id);
        }
    }

    private void ThrowIfTerminal(string what)
    {
        if (State.IsTerminal)
        {
            throw new InvalidOperationException($"Task '{Id}' is {State.Phase.ToString().ToLowerInvariant()}; it cannot be {what}.");
        }
    }

    private static string Describe(TimeSpan span) => span.TotalSeconds < 120
        ? span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s"
        : span.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture) + " min";
}
