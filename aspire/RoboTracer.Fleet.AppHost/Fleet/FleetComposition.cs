using RoboTracer.Fleet.AppHost.Hosting;

namespace RoboTracer.Fleet.AppHost.Fleet;

/// <summary>
/// The fleet as an application model (DESIGN.md §4, CONTRACT.md): two pool workers, the orchestrator (waiting for the
/// pool, handed the pool's gRPC endpoints, the store, the API and robot tokens) and the simulator (waiting for the
/// orchestrator, handed its gRPC endpoint and the same robot tokens).
/// </summary>
internal static class FleetComposition
{
    public const string Pool = "pool";
    public const string Orchestrator = "orchestrator";
    public const string Simulator = "simulator";
    public const int PoolReplicas = 2;

    public static ResourceBuilder<ProjectResource> AddFleet(this DistributedApplicationBuilder builder, AppHostOptions options, FleetProjects projects, FleetSecrets secrets, RunningStore store)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(projects);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(store);

        var pool = builder.AddProject(Pool, projects.Inference)
            .WithReplicas(PoolReplicas)
            .WithGrpcEndpoint()
            .WithHttpEndpoint()
            .WithGrpcHealthCheck();
        if (options.Backend is not null)
        {
            pool.WithEnvironment("Inference__DefaultBackend", options.Backend);
        }

        var orchestrator = builder.AddProject(Orchestrator, projects.Orchestrator)
            .WithReplicas(options.Silos)
            .WithGrpcEndpoint()
            .WithHttpEndpoint(options.Port)
            // The silo keeps its address across restarts, so a restarted orchestrator supersedes its dead former
            // self in the cluster at once instead of waiting for it to be voted dead.
            .WithEndpoint("orleans-silo", env: "Orleans__Endpoints__SiloPort")
            .WithEndpoint("orleans-gateway", env: "Orleans__Endpoints__GatewayPort")
            .WithReference(pool)
            .WithEnvironment(FleetSecrets.ApiTokenVariable, secrets.ApiToken)
            .WaitFor(pool)
            .WithHttpHealthCheck("/alive");
        if (store.ConnectionString is { } connectionString)
        {
            orchestrator.WithReference(builder.AddConnectionString("fleetdb", connectionString))
                .WithEnvironment("Store__Provider", "postgres");
        }
        else
        {
            // An inherited ConnectionStrings__fleetdb must not turn the SQLite choice into PostgreSQL.
            orchestrator.WithEnvironment("Store__Provider", "sqlite")
                .WithEnvironment("Store__SqlitePath", store.Plan.Target)
                .WithEnvironment(StoreSelection.ConnectionStringVariable, (string?)null);
        }

        var simulator = builder.AddProject(Simulator, projects.Simulator)
            .WithHttpEndpoint()
            // Every silo's RobotLink endpoint (services__orchestrator__grpc__N): the robots spread over them and
            // move to another when theirs dies. An inherited Simulator__Orchestrator must not narrow that down.
            .WithReference(orchestrator)
            .WithEnvironment("Simulator__Orchestrator", (string?)null)
            .WithEnvironment("Simulator__Robots", options.Robots.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WaitFor(orchestrator);

        foreach (var (key, value) in secrets.RobotTokenEnvironment())
        {
            orchestrator.WithEnvironment(key, value);
            simulator.WithEnvironment(key, value);
        }
        return orchestrator;
    }
}
