using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.Domain.Traces;

namespace RoboTracer.Fleet.Domain.Tasks;

/// <summary>One step of a task as its events describe it. Changed only by <see cref="TaskState.Apply"/>.</summary>
public sealed class TaskStepState
{
    internal TaskStepState(PlannedStep planned, DateTimeOffset at)
    {
        Planned = planned;
        PhaseSince = at;
    }

    /// <summary>The step as planned.</summary>
    public PlannedStep Planned { get; }

    /// <summary>Its index in the plan.</summary>
    public int Index => Planned.Index;

    /// <summary>Where it is.</summary>
    public StepPhase Phase { get; internal set; }

    /// <summary>When <see cref="Phase"/> last changed: the start of the current wait, for timeouts.</summary>
    public DateTimeOffset PhaseSince { get; internal set; }

    /// <summary>Failed attempts so far.</summary>
    public int Attempts { get; internal set; }

    /// <summary>Traces replaced because the scene changed.</summary>
    public int Replacements { get; internal set; }

    /// <summary>The current trace's id, while one is requested or executing.</summary>
    public TraceId? Trace { get; internal set; }

    /// <summary>The current trace's waypoints, once assigned.</summary>
    public SpatialTrace? Points { get; internal set; }

    /// <summary>The robot executing the current trace.</summary>
    public RobotId? Robot { get; internal set; }

    /// <summary>The scene object the step moves, when known.</summary>
    public string? ObjectId { get; internal set; }

    /// <summary>The destination's scene object, when known.</summary>
    public string? DestinationId { get; internal set; }

    /// <summary>The robot's last reported state for the current trace.</summary>
    public RobotStepState? RobotState { get; internal set; }

    /// <summary>Fraction of the current trace followed.</summary>
    public double Progress { get; internal set; }

    /// <summary>The last failure's category.</summary>
    public FailureCategory? LastFailureCategory { get; internal set; }

    /// <summary>The last failure in words.</summary>
    public string? LastFailure { get; internal set; }

    /// <summary>The last scene change that replaced its trace.</summary>
    public SceneChange? LastSceneChange { get; internal set; }
}
