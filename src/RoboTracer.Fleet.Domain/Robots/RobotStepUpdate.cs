using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Domain.Robots;

/// <summary>A robot's report about one issued trace.</summary>
/// <param name="Task">The task the step belongs to.</param>
/// <param name="StepIndex">The step's index in the task's plan.</param>
/// <param name="Trace">The trace the report is about; reports about a replaced trace are stale and ignored.</param>
/// <param name="State">Where the robot is with it.</param>
/// <param name="Progress">Fraction of the trace followed, 0..1.</param>
/// <param name="Failure">Why it failed, when <paramref name="State"/> is <see cref="RobotStepState.Failed"/>.</param>
/// <param name="Detail">The robot's own words, for people.</param>
/// <param name="ReceivedAt">When the orchestrator received it (set by the robot link on arrival, else by the robot's grain): a step's verification
/// counts observations from then on, including one merged before the task got round to the report.</param>
public sealed record RobotStepUpdate(
    TaskId Task,
    int StepIndex,
    TraceId Trace,
    RobotStepState State,
    double Progress,
    RobotFailureKind? Failure = null,
    string? Detail = null,
    DateTimeOffset? ReceivedAt = null)
{
    /// <summary>True when the robot is done with the trace, one way or another.</summary>
    public bool IsFinal => State is RobotStepState.Succeeded or RobotStepState.Failed or RobotStepState.Cancelled;

    /// <summary>What is wrong with this report, or null when it is well-formed.</summary>
    public string? Problem()
    {
        if (Task.Value is null || Trace.Value is null)
        {
            return "a step update needs a task id and a trace id";
        }
        if (StepIndex < 0)
        {
            return $"step index {StepIndex} is negative";
        }
        if (!double.IsFinite(Progress) || Progress < 0 || Progress > 1)
        {
            return $"progress {Progress} is not within 0..1";
        }
        if (!Enum.IsDefined(State))
        {
            return $"step state {(int)State} is unknown";
        }
        return null;
    }
}
