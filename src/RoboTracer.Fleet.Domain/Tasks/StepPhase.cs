namespace RoboTracer.Fleet.Domain.Tasks;

/// <summary>Where one step is: Pending → AwaitingTrace → Executing → Verifying → Succeeded, back to Pending on a retry or a replaced trace.</summary>
public enum StepPhase
{
    /// <summary>Not started, or to be started again.</summary>
    Pending,
    /// <summary>A trace was requested from the inference pool.</summary>
    AwaitingTrace,
    /// <summary>The robot follows the trace.</summary>
    Executing,
    /// <summary>The robot reported success; the step's success check runs.</summary>
    Verifying,
    /// <summary>Done.</summary>
    Succeeded,
}
