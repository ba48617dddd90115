using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RoboTracer.Fleet.Domain.Planning;
using Orleans.Configuration;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Postgres;
using RoboTracer.Fleet.Grains;
using RoboTracer.Fleet.Grains.EventSourcing;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Grains.Scene;
using RoboTracer.Fleet.Grains.Tasks;
using RoboTracer.Fleet.Grains.Tracing;
using RoboTracer.Fleet.Orchestrator.Telemetry;

namespace RoboTracer.Fleet.Orchestrator.Hosting;

/// <summary>
/// The orchestrator's Orleans silo: the fleet's grains, what they need from this process (the store and the pool
/// through <see cref="FleetNode"/>, the traced planner), clustering and reminders.
/// </summary>
/// <remarks>
/// On PostgreSQL the silos of one <c>Orleans:ClusterId</c> form a cluster in the store's schema (ADO.NET clustering
/// and reminders, <see cref="OrleansAdoNet"/>): start as many orchestrators as wanted on the same database. On the
/// embedded SQLite store a node is a cluster of one (localhost clustering, reminders in memory; a restart resumes
/// the tasks from the store). Ports come from <c>Orleans:Endpoints:SiloPort</c>/<c>GatewayPort</c>, else free ones,
/// so several nodes can run on one machine.
/// <para>
/// On Kubernetes (<c>Orleans:Kubernetes:Enabled=true</c>, deploy/kubernetes) the silo also uses Orleans' Kubernetes
/// hosting; clustering stays on PostgreSQL.
/// </para>
/// </remarks>
internal static class FleetSilo
{
    public const string DefaultClusterId = "robotracer-fleet";

    /// <summary>The configuration key that switches on Orleans' Kubernetes hosting (default false).</summary>
    public const string KubernetesHostingKey = "Orleans:Kubernetes:Enabled";

    public static WebApplicationBuilder AddFleetSilo(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var fleet = configuration.GetSection("Fleet");
        var store = StoreSelection.FromConfiguration(configuration);
        var kubernetes = configuration.GetValue(KubernetesHostingKey, false);
        if (kubernetes && store.Provider != "postgres")
        {
            throw new InvalidOperationException(
                $"{KubernetesHostingKey} is true but the store is {store.Describe()}: a silo on Kubernetes clusters on PostgreSQL (set ConnectionStrings:fleetdb), or set {KubernetesHostingKey}=false.");
        }
        builder.UseOrleans(silo =>
        {
            var endpoints = configuration.GetSection("Orleans:Endpoints");
            var siloPort = endpoints.GetValue<int?>("SiloPort") ?? FreePort();
            var gatewayPort = endpoints.GetValue<int?>("GatewayPort") ?? FreePort();
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = configuration["Orleans:ClusterId"] ?? DefaultClusterId;
                o.ServiceId = configuration["Orleans:ServiceId"] ?? DefaultClusterId;
            });
            if (store.Provider == "postgres")
            {
                var orleans = OrleansAdoNet.ConnectionString(store.Target, store.Schema);
                silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (OrleansAdoNet.Invariant, orleans));
                silo.UseAdoNetReminderService(o => (o.Invariant, o.ConnectionString) = (OrleansAdoNet.Invariant, orleans));
                silo.ConfigureEndpoints(siloPort, gatewayPort, listenOnAnyHostAddress: true);
                silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = AdvertisedAddress(endpoints) ?? o.AdvertisedIPAddress);
                // Every start of a node leaves a row behind (its ports change): rows of silos dead for an hour go.
                silo.Configure<ClusterMembershipOptions>(o => o.DefunctSiloExpiration = TimeSpan.FromHours(1));
                if (kubernetes)
                {
                    // Microsoft.Orleans.Hosting.Kubernetes, beside the ADO.NET membership (which stays the source of
                    // truth): the silo is named after its pod (POD_NAME), ORLEANS_CLUSTER_ID/ORLEANS_SERVICE_ID
                    // override ClusterOptions (configured after ours), and up to two silos watch the pods labelled
                    // orleans/clusterId and orleans/serviceId in POD_NAMESPACE: a silo whose pod is deleted is declared
                    // dead at once instead of after missed probes. It needs a service account allowed to get, list,
                    // watch and patch pods (deploy/kubernetes/base/orchestrator-rbac.yaml). The package reads POD_IP
                    // only when no advertised address is set, and ConfigureEndpoints above always sets one.
                    silo.UseKubernetesHosting();
                }
            }
            else
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort);
                silo.UseInMemoryReminderService();
            }
            silo.AddFleetGrains(
                fleet.GetSection("Robots").Get<RobotOptions>(),
                fleet.GetSection("Tasks").Get<TaskOptions>(),
                fleet.GetSection("Scene").Get<SceneMemoryOptions>());
            silo.AddFleetOrleansDashboard().AddFleetOrleansTelemetry();
        });
        builder.Services.Configure<EventSourcingOptions>(fleet.GetSection("EventSourcing"));
        builder.Services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<FleetNode>().Store);
        builder.Services.AddSingleton<ISpatialTracer>(sp => sp.GetRequiredService<FleetNode>().Tracer);
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

    /// <summary>The address other silos reach this one at (<c>Orleans:Endpoints:AdvertisedIPAddress</c>); null: Orleans picks the machine's.</summary>
    private static IPAddress? AdvertisedAddress(IConfiguration endpoints) => endpoints["AdvertisedIPAddress"] switch
    {
        null or "" => null,
        var text when IPAddress.TryParse(text, out var address) => address,
        var text => throw new InvalidOperationException($"Orleans:Endpoints:AdvertisedIPAddress '{text}' is not an IP address."),
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
