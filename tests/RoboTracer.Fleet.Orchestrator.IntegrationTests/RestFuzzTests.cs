using RoboTracer.Fleet.Testing;
using RoboTracer.Fleet.Testing.Fuzzing;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests;

/// <summary>
/// Generated requests on every REST surface of a real orchestrator (<see cref="RestFuzz"/>): no 5xx, every error a
/// problem+json with a detail, nothing recorded for a refused request. 300 cases a surface here; <c>bench fuzz</c>
/// runs ten thousand. A failure prints the smallest failing request CsCheck found and the seed that replays it.
/// </summary>
public sealed class RestFuzzTests(FleetFixture fleet) : IClassFixture<FleetFixture>
{
    private const long Cases = 300;

    [Theory]
    [InlineData("bodies", 202)]
    [InlineData("queries", 200)]
    [InlineData("headers", 202)]
    public async Task Any_request_is_answered_without_a_server_error_and_a_refused_one_changes_nothing(string surface, int success)
    {
        var statuses = await RestFuzz.RunAsync(fleet.Host, surface, Cases);

        Assert.Equal(Cases, statuses.Values.Sum());
        // The generators reach both sides of the checks: requests refused, and requests that got through.
        var counts = string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"));
        Assert.True(statuses.Keys.Any(s => s >= 400), counts);
        Assert.True(statuses.ContainsKey(success), counts);
    }
}
