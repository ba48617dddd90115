using RoboTracer.Fleet.Domain.Events;

namespace RoboTracer.Fleet.Grains.Tasks;

/// <summary>
/// The task's share of <see cref="FleetMetrics"/>: each step attempt's duration by outcome, and the overhead between a
/// robot's report that a step is done and the next step's trace reaching it. Kept per activation: a task resumed on
/// another silo measures from its next trace on.
/// </summary>
public sealed partial class TaskGrain
{
    private (int Step, DateTimeOffset At)? _tracedAt;
    private (int Step, DateTimeOffset At)? _reportedDoneAt;

    /// <inheritdoc />
    protected override void OnRaised(TaskEvent @event)
    {
        switch (@event)
        {
            case TraceAssigned e:
                _tracedAt = (e.StepIndex, e.At);
                break;
            case StepVerificationStarted e:
                // Its time is when the robot's link received the report, where the bench's overhead starts too.
                _reportedDoneAt = (e.StepIndex, e.At);
                break;
            case StepSucceeded e:
                StepEnded(e.StepIndex, "succeeded", e.At);
                break;
            case StepAttemptFailed e:
                StepEnded(e.StepIndex, "failed", e.At);
                break;
            case SceneChangeDetected e:
                StepEnded(e.StepIndex, "replaced", e.At);
                break;
            case StepInterrupted e:
                StepEnded(e.StepIndex, "interrupted", e.At);
                break;
        }
    }

    private void StepEnded(int step, string outcome, DateTimeOffset at)
    {
        if (_tracedAt is { } traced && traced.Step == step && at >= traced.At)
        {
            Metrics?.StepEnded(outcome, at - traced.At);
        }
        _tracedAt = null;
    }

    /// <summary>Step <paramref name="step"/>'s trace was taken by the robot: the overhead since the previous step's report ends here.</summary>
    private void Dispatched(int step)
    {
        if (_reportedDoneAt is { } reported && reported.Step == step - 1 && Now >= reported.At)
        {
            Metrics?.StepOverhead(Now - reported.At);
        }
        _reportedDoneAt = null;
    }
}
