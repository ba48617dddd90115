namespace RoboTracer.Fleet.Grains.Tasks;

/// <summary>Limits and tolerances of the task state machine.</summary>
public sealed record TaskOptions
{
    /// <summary>Failed attempts (trace rejected, robot failure, timeout) after which a step, and its task, fails.</summary>
    public int MaxAttemptsPerStep { get; init; } = 3;

    /// <summary>Scene-change replacements of one step's trace after which the step counts a failed attempt.</summary>
    public int MaxTraceReplacementsPerStep { get; init; } = 5;

    /// <summary>Robots a task may let go (failure, disconnect) before it fails.</summary>
    public int MaxReassignments { get; init; } = 3;

    /// <summary>How long planning may take.</summary>
    public TimeSpan PlanningTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the inference pool may take for a trace.</summary>
    public TimeSpan TraceTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A trace request waits for the scene's first frame (within <see cref="TraceTimeout"/>) instead of asking without
    /// one: the tracer of a real pool cannot trace without an image. Default true; false for tracers that need none.
    /// </summary>
    public bool WaitForFirstFrame { get; init; } = true;

    /// <summary>How often a trace request that waits for the scene's first frame looks again. Default 100 ms.</summary>
    public TimeSpan FrameWaitInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a robot may take to execute one trace.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long verification waits for a fresh observation before it accepts the robot's word.</summary>
    public TimeSpan VerificationTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the assigned robot may be offline before its remaining steps go to another robot.</summary>
    public TimeSpan ReassignAfterDisconnect { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a task waits for a capable, online, idle robot before it fails.</summary>
    public TimeSpan AssignmentTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often an unfinished task checks its deadlines and its robot.</summary>
    public TimeSpan WatchdogInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often an unfinished task's reminder activates it wherever it lives (an Orleans reminder, kept in the
    /// cluster's reminder table): after its silo dies, a task resumes on another within this period of the death
    /// being noticed. The silo's minimum reminder period must not be longer. Default 15 s.
    /// </summary>
    public TimeSpan ResumePeriod { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Whether the next step's trace is fetched while the current step executes, against the scene as the current
    /// trace will leave it, and used when the step starts if scene memory then agrees (default true).
    /// </summary>
    public bool PrefetchNextTrace { get; init; } = true;

    /// <summary>Half-width of a trace's swept corridor for scene-change detection, metres.</summary>
    public double CorridorRadius { get; init; } = 0.05;

    /// <summary>How far an object may move before it counts as moved, metres.</summary>
    public double MoveTolerance { get; init; } = 0.03;

    /// <summary>How close to the trace's end the object must be for an at-destination check, metres.</summary>
    public double VerificationRadius { get; init; } = 0.1;

    /// <summary>How far outside the robot's workspace a waypoint may be, metres.</summary>
    public double WorkspaceTolerance { get; init; } = 0.01;
}
