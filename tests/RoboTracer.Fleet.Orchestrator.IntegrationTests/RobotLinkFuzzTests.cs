using Grpc.Core;
using RoboTracer.Fleet.Testing;
using RoboTracer.Fleet.Testing.Fuzzing;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests;

/// <summary>
/// Generated RobotLink sessions against a real orchestrator (<see cref="RobotLinkFuzz"/>): every call ends with a
/// status that blames the robot or runs, never INTERNAL or UNKNOWN; the orchestrator stays alive and registers no
/// robot without a token. 200 sessions here; <c>bench fuzz</c> runs ten thousand.
/// </summary>
public sealed class RobotLinkFuzzTests(FleetFixture fleet) : IClassFixture<FleetFixture>
{
    [Fact]
    public async Task Any_session_a_robot_sends_ends_cleanly_and_leaves_the_orchestrator_serving()
    {
        var endings = await RobotLinkFuzz.RunAsync(fleet.Host, 200);

        Assert.Equal(200, endings.Values.Sum());
        var counts = string.Join(", ", endings.Select(e => $"{e.Key}×{e.Value}"));
        // Both sides of the checks are reached: sessions refused, and sessions that got through their hello.
        Assert.True(endings.Keys.Any(s => s is StatusCode.InvalidArgument or StatusCode.Unauthenticated), counts);
        Assert.True(endings.Keys.Any(s => s is StatusCode.OK or StatusCode.DeadlineExceeded), counts);
    }
}
