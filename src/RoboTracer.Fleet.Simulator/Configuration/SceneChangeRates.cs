namespace RoboTracer.Fleet.Simulator.Configuration;

/// <summary>
/// How often the world changes under a running trace, as a probability per executed trace. Configuration section
/// <c>Simulator:SceneChanges</c>. Each change is followed by an Observation, so scene memory sees it.
/// </summary>
internal sealed record SceneChangeRates
{
    /// <summary>The held object slips by 3–6 cm in the table plane and is carried on with that offset.</summary>
    public double Nudge { get; init; }

    /// <summary>A tall obstacle appears across the remaining path; following the old trace into it fails with COLLISION.</summary>
    public double Obstacle { get; init; }
}
