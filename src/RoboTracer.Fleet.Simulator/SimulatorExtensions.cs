using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using RoboTracer.Fleet.Simulator.Configuration;
using RoboTracer.Fleet.Simulator.Hosting;

namespace RoboTracer.Fleet.Simulator;

/// <summary>Composition of the simulator host.</summary>
internal static class SimulatorExtensions
{
    /// <summary>Adds the simulated fleet configured under <c>Simulator:*</c> and <c>Fleet:RobotTokens:*</c> (CONTRACT.md).</summary>
    public static TBuilder AddFleetSimulator<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Read once, at start-up, so a bad value stops the host with a message naming the key.
        builder.Services.AddSingleton(SimulatorOptions.FromConfiguration(builder.Configuration));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SimulatorFleet>();
        builder.Services.AddHostedService(services => services.GetRequiredService<SimulatorFleet>());
        return builder;
    }
}
