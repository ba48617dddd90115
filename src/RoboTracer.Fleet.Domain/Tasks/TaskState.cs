using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Robots;

namespace RoboTracer.Fleet.Domain.Tasks;

/// <summary>
/// A task as its events describe it: the long-horizon state machine's state. It changes only through
/// <see cref="Apply"/>; the task grain decides which events to raise (STYLE.md §5).
/// </summary>
public sealed class TaskState
{
    private readonly List<TaskStepState> _steps = [];
    private readonly HashSet<RobotId> _avoidedRobots = [];

    /// <summary>The task's id; null before it was submitted.</summary>
    public TaskId? Id { get; private set; }

    /// <summary>True once submitted.</summary>
    public bool Exists => Id is not null;

    /// <summary>The user's instruction.</summary>
    public string Instruction { get; private set; } = string.Empty;

    /// <summary>The robot the user asked for.</summary>
    public RobotId? RequestedRobot { get; private set; }

    /// <summary>The scene it works in, once known.</summary>
    public SceneId? Scene { get; private set; }

    /// <summary>Where it is (never <see cref="TaskPhase.Paused"/>: see <see cref="IsPaused"/> and <see cref="DisplayPhase"/>).</summary>
    public TaskPhase Phase { get; private set; }

    /// <summary>True while paused; the phase underneath is kept.</summary>
    public bool IsPaused { get; private set; }

    /// <summary>The phase users see: <see cref="TaskPhase.Paused"/> while paused, else <see cref="Phase"/>.</summary>
    public TaskPhase DisplayPhase => IsPaused && !IsTerminal ? TaskPhase.Paused : Phase;

    /// <summary>When <see cref="Phase"/> last changed.</summary>
    public DateTimeOffset PhaseSince { get; private set; }

    /// <summary>True once completed, failed or cancelled.</summary>
    public bool IsTerminal => Phase is TaskPhase.Completed or TaskPhase.Failed or TaskPhase.Cancelled;

    /// <summary>The plan, once made.</summary>
    public Plan? Plan { get; private set; }

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<TaskStepState> Steps => _steps;

    /// <summary>Index of the first step not yet succeeded (= the step count when all are done).</summary>
    public int CurrentStepIndex { get; private set; }

    /// <summary>The first step not yet succeeded, or null.</summary>
    public TaskStepState? CurrentStep => CurrentStepIndex < _steps.Count ? _steps[CurrentStepIndex] : null;

    /// <summary>The robot holding the task.</summary>
    public RobotId? Robot { get; private set; }

    /// <summary>What that robot declared when assigned.</summary>
    public RobotCapabilities? RobotCapabilities { get; private set; }

    /// <summary>When the assigned robot went offline, while it is.</summary>
    public DateTimeOffset? RobotDisconnectedAt { get; private set; }

    /// <summary>Robots that failed this task: others are preferred.</summary>
    public IReadOnlySet<RobotId> AvoidedRobots => _avoidedRobots;

    /// <summary>How often a robot was let go.</summary>
    public int Reassignments { get; private set; }

    /// <summary>Why it failed or was cancelled.</summary>
    public FailureCategory? FailureCategory { get; private set; }

    /// <summary>The same in words.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>When it was submitted.</summary>
    public DateTimeOffset SubmittedAt { get; private set; }

    /// <summary>When its last event happened.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Applies one event.</summary>
    /// <exception cref="ArgumentException">The event is of a type this state does not know.</exception>
    public void Apply(TaskEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        UpdatedAt = @event.At;
        switch (@event)
        {
            case TaskSubmitted e:
                Id = e.Task;
                Instruction = e.Instruction;
                RequestedRobot = e.RequestedRobot;
                Scene = e.Scene;
                SubmittedAt = e.At;
                SetPhase(TaskPhase.Submitted, e.At);
                break;
            case TaskPlanningStarted e:
                SetPhase(TaskPhase.Planning, e.At);
                break;
            case TaskPlanned e:
                Plan = e.Plan;
                _steps.Clear();
                _steps.AddRange(e.Plan.Steps.Select(s => new TaskStepState(s, e.At)));
                CurrentStepIndex = 0;
                SetPhase(TaskPhase.WaitingForRobot, e.At);
                break;
            case RobotAssigned e:
                Robot = e.Robot;
                RobotCapabilities = e.Capabilities;
                Scene ??= e.Scene;
                RobotDisconnectedAt = null;
                SetPhase(TaskPhase.Assigned, e.At);
                break;
            case RobotUnassigned e:
                if (e.Avoid)
                {
                    _avoidedRobots.Add(e.Robot);
                }
                Robot = null;
                RobotCapabilities = null;
                RobotDisconnectedAt = null;
                Reassignments++;
                ResetCurrentStep(e.At);
                SetPhase(TaskPhase.WaitingForRobot, e.At);
                break;
            case AssignedRobotDisconnected e:
                RobotDisconnectedAt = e.At;
                break;
            case AssignedRobotReconnected:
                RobotDisconnectedAt = null;
                break;
            case TraceRequested e:
                With(e.StepIndex, s =>
                {
                    s.Trace = e.Trace;
                    s.Points = null;
                    s.RobotState = null;
                    s.Progress = 0;
                    SetStepPhase(s, StepPhase.AwaitingTrace, e.At);
                });
                break;
            case TraceAssigned e:
                With(e.StepIndex, s =>
                {
                    s.Trace = e.Trace;
                    s.Points = e.Points;
                    s.Robot = e.Robot;
                    s.ObjectId = e.ObjectId;
                    s.DestinationId = e.DestinationId;
                    SetStepPhase(s, StepPhase.Executing, e.At);
                });
                break;
            case StepExecutionReported e:
                With(e.StepIndex, s =>
                {
                    if (s.Trace == e.Trace)
                    {
                        s.RobotState = e.State;
                        s.Progress = e.Progress;
                    }
                });
                break;
            case StepVerificationStarted e:
                With(e.StepIndex, s =>
                {
                    s.RobotState = RobotStepState.Succeeded;
                    s.Progress = 1;
                    SetStepPhase(s, StepPhase.Verifying, e.At);
                });
                break;
            case StepSucceeded e:
                With(e.StepIndex, s => SetStepPhase(s, StepPhase.Succeeded, e.At));
                while (CurrentStepIndex < _steps.Count && _steps[CurrentStepIndex].Phase == StepPhase.Succeeded)
                {
                    CurrentStepIndex++;
                }
                break;
            case StepAttemptFailed e:
                With(e.StepIndex, s =>
                {
                    s.Attempts++;
                    s.LastFailureCategory = e.Category;
                    s.LastFailure = e.Reason;
                    Reset(s, e.At);
                });
                break;
            case SceneChangeDetected e:
                With(e.StepIndex, s =>
                {
                    s.Replacements++;
                    s.LastSceneChange = e.Change;
                    Reset(s, e.At);
                });
                break;
            case StepInterrupted e:
                With(e.StepIndex, s => Reset(s, e.At));
                break;
            case TaskPaused:
                IsPaused = true;
                break;
            case TaskResumed:
                IsPaused = false;
                break;
            case TaskCompleted e:
                SetPhase(TaskPhase.Completed, e.At);
                break;
            case TaskFailed e:
                FailureCategory = e.Category;
                FailureReason = e.Reason;
                EndUnfinishedSteps(StepPhase.Failed, e.At);
                SetPhase(TaskPhase.Failed, e.At);
                break;
            case TaskCancelled e:
                FailureCategory = Tasks.FailureCategory.Cancelled;
                FailureReason = e.Reason;
                EndUnfinishedSteps(StepPhase.Cancelled, e.At);
                SetPhase(TaskPhase.Cancelled, e.At);
                break;
            default:
                throw new ArgumentException($"TaskState does not know event {@event.GetType().Name}.", nameof(@event));
        }
    }

    /// <summary>An immutable copy for callers.</summary>
    /// <param name="version">The task stream's version this state reflects.</param>
    public TaskStatusView ToView(long version) => new(
        Id ?? default,
        Instruction,
        DisplayPhase,
        Robot,
        Scene,
        CurrentStepIndex,
        _steps.Select(s => new StepStatusView(
            s.Index,
            s.Planned.Action,
            s.Planned.TraceInstruction,
            s.Phase,
            s.Attempts,
            s.Replacements,
            s.Trace,
            s.Robot,
            s.Progress,
            s.LastFailure,
            s.ObjectId ?? s.Planned.ObjectId,
            s.DestinationId ?? s.Planned.DestinationId)).ToList(),
        FailureCategory,
        FailureReason,
        Plan?.Planner,
        SubmittedAt,
        UpdatedAt,
        version);

    private void SetPhase(TaskPhase phase, DateTimeOffset at)
    {
        // Called only on real transitions, so the time always moves.
        PhaseSince = at;
        Phase = phase;
    }

    /// <summary>The task ended before its steps did: the current step ends as <paramref name="ending"/>, later ones as skipped.</summary>
    private void EndUnfinishedSteps(StepPhase ending, DateTimeOffset at)
    {
        foreach (var step in Steps.Where(s => s.Phase != StepPhase.Succeeded))
        {
            SetStepPhase(step, step.Index == CurrentStepIndex ? ending : StepPhase.Skipped, at);
        }
    }

    private static void SetStepPhase(TaskStepState step, StepPhase phase, DateTimeOffset at)
    {
        step.Phase = phase;
        step.PhaseSince = at;
    }

    private static void Reset(TaskStepState step, DateTimeOffset at)
    {
        step.Trace = null;
        step.Points = null;
        step.RobotState = null;
        step.Progress = 0;
        SetStepPhase(step, StepPhase.Pending, at);
    }

    private void ResetCurrentStep(DateTimeOffset at)
    {
        if (CurrentStep is { Phase: not StepPhase.Pending } step)
        {
            Reset(step, at);
        }
    }

    private void With(int stepIndex, Action<TaskStepState> change)
    {
        // Events are facts: one naming a step the plan does not have is a defect, not something to skip.
        if (stepIndex < 0 || stepIndex >= _steps.Count)
        {
            throw new ArgumentException($"step {stepIndex} is not in the plan of task {Id} ({_steps.Count} steps)", nameof(stepIndex));
        }
        change(_steps[stepIndex]);
    }
}
