using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.Grains;
using RoboTracer.Fleet.Grains.EventSourcing;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Grains.Scene;
using RoboTracer.Fleet.Grains.Tasks;
using RoboTracer.Fleet.Grains.Tracing;
using RoboTracer.Fleet.Orchestrator.Robots;
using RoboTracer.Fleet.Orchestrator.Telemetry;

namespace RoboTracer.Fleet.Orchestrator.Hosting;

/// <summary>
/// The orchestrator's Orleans silo: the fleet's grains, what they need from this process (the store and the pool
/// through <see cref="FleetNode"/>, the traced planner, the robot links), clustering and reminders.
/// </summary>
internal static class FleetSilo
{
    public static WebApplicationBuilder AddFleetSilo(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var fleet = configuration.GetSection("Fleet");
        builder.UseOrleans(silo =>
        {
            // One silo on this machine: the embedded default. Ports from Orleans:Endpoints, else free ones, so that
            // several nodes (tests, a developer's second fleet) can run side by side.
            var endpoints = configuration.GetSection("Orleans:Endpoints");
            silo.UseLocalhostClustering(
                siloPort: endpoints.GetValue<int?>("SiloPort") ?? FreePort(),
                gatewayPort: endpoints.GetValue<int?>("GatewayPort") ?? FreePort(),
                serviceId: configuration["Orleans:ServiceId"] ?? "robotracer-fleet",
                clusterId: configuration["Orleans:ClusterId"] ?? "robotracer-fleet");
            silo.UseInMemoryReminderService();
            silo.AddFleetGrains(
                fleet.GetSection("Robots").Get<RobotOptions>(),
                fleet.GetSection("Tasks").Get<TaskOptions>(),
                fleet.GetSection("Scene").Get<SceneMemoryOptions>());
            silo.AddFleetOrleansDashboard().AddFleetOrleansTelemetry();
        });
        builder.Services.Configure<EventSourcingOptions>(fleet.GetSection("EventSourcing"));
        builder.Services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<FleetNode>().Store);
        builder.Services.AddSingleton<ISpatialTracer>(sp => sp.GetRequiredService<FleetNode>().Tracer);
        builder.Services.AddSingleton<IRobotCommandChannel>(sp => sp.GetRequiredService<RobotSessions>());
        DecoratePlanner(builder.Services);
        // After UseOrleans: hosted services start in registration order (FleetNode.StartAsync needs the silo).
        builder.Services.AddSingleton<FleetNode>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FleetNode>());
        return builder;
    }

    /// <summary>The grains plan through <see cref="TracedPlanner"/>: a span per plan under the task's trace.</summary>
    private static void DecoratePlanner(IServiceCollection services)
    {
        var planner = services.LastOrDefault(d => d.ServiceType == typeof(IPlanner))
            ?? throw new InvalidOperationException("No IPlanner is registered: call AddFleetPlanner before AddFleetSilo.");
        services.Replace(ServiceDescriptor.Singleton<IPlanner>(sp => new TracedPlanner(Resolve(sp, planner), sp.GetRequiredService<TaskTelemetry>())));
    }

    private static IPlanner Resolve(IServiceProvider services, ServiceDescriptor descriptor) => (IPlanner)(
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
