namespace RoboTracer.Fleet.Simulator.Faults;

/// <summary>
/// What will go wrong while one trace runs, decided when the robot accepts it. Fractions are of the path's
/// length (0 = start, 1 = end); a null fraction means the event does not happen.
/// </summary>
/// <param name="GraspFails">The grasp fails at the start: nothing moves.</param>
/// <param name="StallAt">The arm stalls here and goes silent.</param>
/// <param name="DisconnectAt">The robot drops its link here.</param>
/// <param name="NudgeAt">The held object slips here by <paramref name="Nudge"/>.</param>
/// <param name="Nudge">The slip in the world's table plane (x, y metres).</param>
/// <param name="ObstacleAt">An obstacle appears here, across the rest of the path.</param>
internal sealed record StepPlan(bool GraspFails, double? StallAt, double? DisconnectAt, double? NudgeAt, (double X, double Y) Nudge, double? ObstacleAt)
{
    /// <summary>A trace that runs without incident.</summary>
    public static StepPlan Clean { get; } = new(false, null, null, null, (0, 0), null);
}
