using RoboTracer.Fleet.Simulator.Configuration;
using RoboTracer.Fleet.Simulator.Faults;

namespace RoboTracer.Fleet.Simulator.Tests;

public sealed class StepPlannerTests
{
    private static readonly FaultRates SomeFaults = new() { GraspFailure = 0.2, Stall = 0.2, Disconnect = 0.2 };
    private static readonly SceneChangeRates SomeChanges = new() { Nudge = 0.3, Obstacle = 0.3 };

    [Fact]
    public void The_same_seed_gives_the_same_plans_and_another_seed_different_ones()
    {
        static List<StepPlan> Plans(int seed)
        {
            var planner = new StepPlanner(seed, SomeFaults, SomeChanges);
            return [.. Enumerable.Range(0, 40).Select(_ => planner.Next())];
        }

        Assert.Equal(Plans(11), Plans(11));
        Assert.NotEqual(Plans(11), Plans(12));
    }

    [Fact]
    public void Rate_zero_never_fires_and_rate_one_always_fires_mid_trace()
    {
        var never = new StepPlanner(3, new FaultRates(), new SceneChangeRates());
        var always = new StepPlanner(3, new FaultRates { GraspFailure = 1, Stall = 1, Disconnect = 1 }, new SceneChangeRates { Nudge = 1, Obstacle = 1 });

        for (var i = 0; i < 20; i++)
        {
            var clean = never.Next();
            Assert.Equal(StepPlan.Clean with { Nudge = clean.Nudge }, clean);
            var all = always.Next();
            Assert.True(all.GraspFails);
            Assert.All(new[] { all.StallAt, all.DisconnectAt, all.NudgeAt, all.ObstacleAt }, f => Assert.InRange(f!.Value, 0.2, 0.8));
            Assert.InRange(Math.Sqrt((all.Nudge.X * all.Nudge.X) + (all.Nudge.Y * all.Nudge.Y)), 0.03, 0.06);
        }
    }
}
