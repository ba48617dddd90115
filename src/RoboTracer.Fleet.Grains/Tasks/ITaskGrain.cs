using Orleans.Concurrency;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.Domain.Tasks;

namespace RoboTracer.Fleet.Grains.Tasks;

/// <summary>
/// One long-horizon task (key: the task id; stream <c>task-{id}</c>): Submitted → Planning → WaitingForRobot →
/// Assigned, then per step AwaitingTrace → Executing → Verifying, to Completed, Failed or Cancelled.
/// </summary>
/// <remarks>
/// The <c>On…</c> methods are notifications: robots, scene memory and the grain's own background work send them
/// one-way. Everything else is for users and the host.
/// </remarks>
public interface ITaskGrain : IGrainWithStringKey
{
    /// <summary>
    /// Validates, plans and starts the task. Bad input changes nothing: an empty or oversized instruction fails
    /// before planning (<see cref="ArgumentException"/>), an unknown requested robot with
    /// <see cref="Robots.UnknownRobotException"/>, one that cannot perform a planned action with
    /// <see cref="Robots.RobotCapabilityException"/>. An instruction the planner cannot plan makes a task that
    /// failed in the planning category. Submitting the same task again returns its status.
    /// </summary>
    /// <exception cref="InvalidOperationException">A different task exists under this id.</exception>
    Task<TaskStatusView> SubmitAsync(TaskSubmission submission);

    /// <summary>The task's status.</summary>
    /// <exception cref="UnknownTaskException">No such task.</exception>
    Task<TaskStatusView> GetStatusAsync();

    /// <summary>Stops the robot, ends the task as cancelled and frees the robot. Cancelling a cancelled task does nothing.</summary>
    /// <exception cref="InvalidOperationException">The task already completed or failed.</exception>
    Task<TaskStatusView> CancelAsync(string reason);

    /// <summary>Stops the robot mid-step (the step starts over on resume) and keeps the robot reserved.</summary>
    /// <exception cref="InvalidOperationException">The task is finished.</exception>
    Task<TaskStatusView> PauseAsync(string reason);

    /// <summary>Continues a paused task from the step it was on, with a fresh trace.</summary>
    /// <exception cref="InvalidOperationException">The task is finished.</exception>
    Task<TaskStatusView> ResumeAsync();

    /// <summary>
    /// Makes sure the task is being driven: called for every unfinished task when a node starts. A fresh
    /// activation re-issues the step that was in flight (with a new trace), since it cannot know what the robot did.
    /// </summary>
    /// <exception cref="UnknownTaskException">No such task.</exception>
    Task<TaskStatusView> EnsureRunningAsync();

    /// <summary>The executing robot reported on the current trace.</summary>
    [OneWay]
    Task OnStepUpdateAsync(RobotStepUpdate update);

    /// <summary>The assigned robot went offline or came back.</summary>
    [OneWay]
    Task OnRobotConnectionChangedAsync(RobotId robot, RobotConnection connection);

    /// <summary>Scene memory saw a change that matters to the current trace.</summary>
    [OneWay]
    Task OnSceneChangedAsync(SceneChangeNotice notice);

    /// <summary>Scene memory merged an observation this task asked to hear about (a step waits to be verified).</summary>
    [OneWay]
    Task OnSceneObservedAsync();

    /// <summary>A trace request this grain started in the background finished.</summary>
    [OneWay]
    Task OnTraceCompletedAsync(TraceOutcome outcome);
}
