using RoboTracer.Fleet.AppHost.Fleet;
using RoboTracer.Fleet.AppHost.Postgres;

namespace RoboTracer.Fleet.AppHost;

/// <summary>The fleet's resources and how they are wired (Program.cs reads as the diagram; the details are here).</summary>
internal static class FleetExtensions
{
    private const string FleetDatabase = "fleetdb";

    /// <summary>
    /// The store (DESIGN.md §4): <c>--store</c>, else <c>ConnectionStrings:fleetdb</c>, else PostgreSQL from the system's
    /// binaries, else SQLite; several silos need PostgreSQL. Null after printing a usage error (exit 2).
    /// </summary>
    public static StorePlan? ChooseStore(this IDistributedApplicationBuilder builder, AppHostOptions options, TextWriter error)
    {
        try
        {
            var plan = StoreSelection.Choose(options.Store, builder.Configuration[$"ConnectionStrings:{FleetDatabase}"], PostgresBinaries.Find() is not null, Path.GetFullPath(options.DataDirectory));
            if (options.Silos > 1 && plan.Origin == StoreOrigin.Sqlite)
            {
                throw new AppHostUsageException($"--silos {options.Silos} needs PostgreSQL (silos cluster in its tables); the store would be SQLite. Use --store postgres with the PostgreSQL binaries installed, or ConnectionStrings__fleetdb.");
            }
            return plan;
        }
        catch (AppHostUsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            return null;
        }
    }

    /// <summary>The PostgreSQL the plan names: a resource from the system's binaries, an external connection string, or none (SQLite).</summary>
    public static IResourceBuilder<IResourceWithConnectionString>? AddFleetDatabase(this IDistributedApplicationBuilder builder, StorePlan store) => store.Origin switch
    {
        StoreOrigin.LocalPostgres => builder.AddLocalPostgres("postgres", PostgresBinaries.Find()!, store.Target),
        StoreOrigin.ExternalPostgres => builder.AddConnectionString(FleetDatabase),
        _ => null,
    };

    /// <summary>One inference pool worker: its own resource, so the orchestrator's pool client sees and balances each one; Drain in the dashboard.</summary>
    public static IResourceBuilder<ProjectResource> AddPoolWorker(this IDistributedApplicationBuilder builder, string name, AppHostOptions options)
    {
        var worker = builder.AddProject<Projects.RoboTracer_Fleet_Inference>(name)
            .WithFleetHttpEndpoint()
            .WithFleetGrpcEndpoint()
            .WithHttpHealthCheck("/health", endpointName: FleetEndpoints.Http)
            .WithDrainCommand()
            .WithRestartOnCrash();
        return options.Backend is { } backend ? worker.WithEnvironment("Inference__DefaultBackend", backend) : worker;
    }

    /// <summary>
    /// The workers' gRPC endpoints as service <c>pool</c> (<c>services__pool__grpc__N</c>, what the pool client
    /// discovers), each waited for until healthy.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPoolWorkers(this IResourceBuilder<ProjectResource> orchestrator, IReadOnlyList<IResourceBuilder<ProjectResource>> workers)
    {
        for (var i = 0; i < workers.Count; i++)
        {
            orchestrator.WithEnvironment($"services__pool__grpc__{FleetEndpoints.Text(i)}", workers[i].GetEndpoint(FleetEndpoints.Grpc))
                .WithReferenceRelationship(workers[i])
                .WaitFor(workers[i]);
        }
        return orchestrator;
    }

    /// <summary>PostgreSQL as <c>ConnectionStrings__fleetdb</c> (waited for when the AppHost runs it), or the SQLite file.</summary>
    public static IResourceBuilder<ProjectResource> WithFleetStore(this IResourceBuilder<ProjectResource> orchestrator, StorePlan store, IResourceBuilder<IResourceWithConnectionString>? fleetdb)
    {
        if (fleetdb is null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(store.Target)!);
            // A ConnectionStrings__fleetdb the children inherit from the AppHost must not turn SQLite into PostgreSQL.
            return orchestrator.WithEnvironment("Store__Provider", "sqlite")
                .WithEnvironment("Store__SqlitePath", store.Target)
                .WithEnvironment($"ConnectionStrings__{FleetDatabase}", "");
        }
        orchestrator.WithReference(fleetdb, FleetDatabase).WithEnvironment("Store__Provider", "postgres");
        return fleetdb.Resource is LocalPostgresResource ? orchestrator.WaitFor(fleetdb) : orchestrator;
    }

    /// <summary>The same per-robot tokens for the orchestrator and the simulator (<c>Fleet__RobotTokens__sim-N</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithRobotTokens(this IResourceBuilder<ProjectResource> project, FleetSecrets secrets)
    {
        foreach (var (key, value) in secrets.RobotTokenEnvironment())
        {
            project.WithEnvironment(key, value);
        }
        return project;
    }

    /// <summary>
    /// The simulated robots sim-1 … sim-N and the orchestrator's RobotLink endpoint (<c>services__orchestrator__grpc__0</c>;
    /// with several silos that is the proxy in front of them, which spreads new links over the live ones). An inherited
    /// Simulator__Orchestrator must not point the robots elsewhere.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRobotsOf(this IResourceBuilder<ProjectResource> simulator, IResourceBuilder<ProjectResource> orchestrator, int robots) => simulator
        .WithEnvironment("services__orchestrator__grpc__0", orchestrator.GetEndpoint(FleetEndpoints.Grpc))
        .WithEnvironment("Simulator__Orchestrator", "")
        .WithEnvironment("Simulator__Robots", FleetEndpoints.Text(robots))
        .WithReferenceRelationship(orchestrator);

    /// <summary>Links from the orchestrator to the fleet dashboard and the Orleans dashboard.</summary>
    public static IResourceBuilder<ProjectResource> WithFleetLinks(this IResourceBuilder<ProjectResource> orchestrator) => orchestrator
        .WithUrlForEndpoint(FleetEndpoints.Http, url => url.DisplayText = "Fleet dashboard")
        .WithUrlForEndpoint(FleetEndpoints.Grpc, url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly)
        .WithUrl(ReferenceExpression.Create($"{orchestrator.GetEndpoint(FleetEndpoints.Http)}/orleans/"), "Orleans dashboard");
}
