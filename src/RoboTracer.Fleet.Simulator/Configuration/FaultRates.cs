namespace RoboTracer.Fleet.Simulator.Configuration;

/// <summary>
/// How often each fault strikes, as a probability per executed trace (0 = never, 1 = every trace), and how long
/// the timed faults last. Configuration section <c>Simulator:Faults</c>.
/// </summary>
internal sealed record FaultRates
{
    /// <summary>The grasp fails at the start of the trace: FAILED with FAILURE_KIND_GRASP, nothing moves.</summary>
    public double GraspFailure { get; init; }

    /// <summary>The arm stops mid-trace and reports no more progress; after <see cref="StallTimeout"/> it gives up with FAILED STALL.</summary>
    public double Stall { get; init; }

    /// <summary>The robot drops its RobotLink stream mid-trace and reconnects after <see cref="DisconnectDuration"/>.</summary>
    public double Disconnect { get; init; }

    /// <summary>How long a stalled arm stays silent before it reports FAILED STALL.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a simulated disconnect keeps the robot off the link.</summary>
    public TimeSpan DisconnectDuration { get; init; } = TimeSpan.FromSeconds(2);
}
