using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Simulator.Hosting;
using RoboTracer.Fleet.Simulator.Tests.Infrastructure;

namespace RoboTracer.Fleet.Simulator.Tests;

public sealed class FleetTests
{
    [Fact]
    public async Task The_host_runs_sim_1_to_N_each_with_its_token_and_scene()
    {
        await using var orchestrator = await FakeOrchestrator.StartAsync(
            tokens: new Dictionary<string, string> { ["sim-1"] = "a", ["sim-2"] = "b", ["sim-3"] = "c" });
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:orchestrator:grpc:0"] = orchestrator.Address.ToString(),
            ["Simulator:Robots"] = "3",
            ["Simulator:Seed"] = "5",
            ["Simulator:Render"] = "false",
            ["Fleet:RobotTokens:sim-1"] = "a",
            ["Fleet:RobotTokens:sim-2"] = "b",
            ["Fleet:RobotTokens:sim-3"] = "c",
        });
        builder.AddFleetSimulator();
        using var host = builder.Build();

        await host.StartAsync();
        var hellos = new List<Hello>();
        for (var i = 0; i < 3; i++)
        {
            hellos.Add(await orchestrator.Link.NextHelloAsync());
        }
        var observations = new List<Observation>();
        for (var i = 0; i < 3; i++)
        {
            observations.Add(await orchestrator.Link.NextObservationAsync());
        }
        var robots = await host.Services.GetRequiredService<SimulatorFleet>().Robots;
        await host.StopAsync();

        Assert.Equal(["sim-1:a:table-sim-1", "sim-2:b:table-sim-2", "sim-3:c:table-sim-3"], hellos.Select(h => $"{h.RobotId}:{h.Token}:{h.SceneId}").Order());
        Assert.All(observations, o => Assert.Null(o.Image));
        Assert.Equal(3, robots.Count);
        Assert.Equal(3, robots.Select(r => r.Scene.Tabletop.Camera).Distinct().Count());
    }
}
