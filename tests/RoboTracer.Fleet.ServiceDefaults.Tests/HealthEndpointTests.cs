using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RoboTracer.Fleet.ServiceDefaults.Tests;

[Collection(TelemetryCollection.Name)]
public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Health_and_alive_answer_200_when_healthy()
    {
        await using var host = await TestHost.StartAsync(new Dictionary<string, string?>());

        using var health = await host.Client.GetAsync(new Uri("/health", UriKind.Relative));
        using var alive = await host.Client.GetAsync(new Uri("/alive", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task A_failing_readiness_check_fails_health_but_not_alive()
    {
        await using var host = await TestHost.StartAsync(new Dictionary<string, string?>(), configure: builder =>
            builder.Services.AddHealthChecks().AddCheck("store", () => HealthCheckResult.Unhealthy("store down")));

        using var health = await host.Client.GetAsync(new Uri("/health", UriKind.Relative));
        using var alive = await host.Client.GetAsync(new Uri("/alive", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }
}
