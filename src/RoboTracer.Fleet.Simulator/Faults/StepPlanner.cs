using RoboTracer.Fleet.Simulator.Configuration;

namespace RoboTracer.Fleet.Simulator.Faults;

/// <summary>
/// Draws a <see cref="StepPlan"/> per accepted trace from one seeded <see cref="Random"/>. Every call consumes the
/// same number of draws in the same order whatever the rates, so plan n depends only on the seed and n: the same
/// seed and the same commands give the same faults and scene changes, independent of timing.
/// </summary>
internal sealed class StepPlanner(int seed, FaultRates faults, SceneChangeRates changes)
{
    private readonly Random _random = new(seed);

    /// <summary>The plan for the next accepted trace.</summary>
    public StepPlan Next()
    {
        var grasp = _random.NextDouble();
        var stall = _random.NextDouble();
        var stallAt = Mid(_random.NextDouble());
        var disconnect = _random.NextDouble();
        var disconnectAt = Mid(_random.NextDouble());
        var nudge = _random.NextDouble();
        var nudgeAt = Mid(_random.NextDouble());
        var angle = _random.NextDouble() * 2 * Math.PI;
        var distance = 0.03 + (0.03 * _random.NextDouble());
        var obstacle = _random.NextDouble();
        var obstacleAt = Mid(_random.NextDouble());
        return new StepPlan(
            grasp < faults.GraspFailure,
            stall < faults.Stall ? stallAt : null,
            disconnect < faults.Disconnect ? disconnectAt : null,
            nudge < changes.Nudge ? nudgeAt : null,
            (distance * Math.Cos(angle), distance * Math.Sin(angle)),
            obstacle < changes.Obstacle ? obstacleAt : null);
    }

    // Mid-trace events happen between 20% and 80% of the way, so there is motion on both sides of them.
    private static double Mid(double u) => 0.2 + (0.6 * u);
}
