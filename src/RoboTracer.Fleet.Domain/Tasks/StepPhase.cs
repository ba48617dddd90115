namespace RoboTracer.Fleet.Domain.Tasks;

/// <summary>
/// Where one step is: Pending → AwaitingTrace → Executing → Verifying → Succeeded, back to Pending on a retry or a
/// replaced trace. When its task ends otherwise, every step not yet succeeded ends too: the step under way as Failed
/// or Cancelled (as its task), the ones after it as Skipped. Succeeded, Failed, Cancelled and Skipped are final.
/// </summary>
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
    /// <summary>Its task failed while this step was under way (or next).</summary>
    Failed,
    /// <summary>Its task was cancelled while this step was under way (or next).</summary>
    Cancelled,
    /// <summary>Never started: its task ended before reaching it.</summary>
    Skipped,
}
