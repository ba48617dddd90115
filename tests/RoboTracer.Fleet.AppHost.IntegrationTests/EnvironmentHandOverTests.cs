using RoboTracer.Fleet.AppHost.Fleet;
using RoboTracer.Fleet.AppHost.Hosting;

namespace RoboTracer.Fleet.AppHost.IntegrationTests;

public sealed class EnvironmentHandOverTests
{
    private static readonly FleetProjects Projects = new(
        ProjectLocation.InRepository("/repo", "src/RoboTracer.Fleet.Inference", "Debug", "net10.0"),
        ProjectLocation.InRepository("/repo", "src/RoboTracer.Fleet.Orchestrator", "Debug", "net10.0"),
        ProjectLocation.InRepository("/repo", "src/RoboTracer.Fleet.Simulator", "Debug", "net10.0"));

    [Fact]
    public async Task The_orchestrator_gets_its_endpoints_the_pool_the_tokens_and_the_sqlite_store()
    {
        var (model, secrets) = await ComposeAsync(new StorePlan(StoreOrigin.Sqlite, "/data/fleet.db", Forced: false), port: 5999);
        var orchestrator = model.EnvironmentFor(model["orchestrator"], 0);
        var pool = model["pool"];

        Assert.Equal("http://127.0.0.1:5999", orchestrator["Kestrel__Endpoints__Http__Url"]);
        Assert.Equal(model.Url(model["orchestrator"], "grpc"), orchestrator["Kestrel__Endpoints__Grpc__Url"]);
        Assert.Equal(model.EnvironmentFor(pool, 0)["Kestrel__Endpoints__Grpc__Url"], orchestrator["services__pool__grpc__0"]);
        Assert.Equal(model.EnvironmentFor(pool, 1)["Kestrel__Endpoints__Grpc__Url"], orchestrator["services__pool__grpc__1"]);
        Assert.NotEqual(orchestrator["services__pool__grpc__0"], orchestrator["services__pool__grpc__1"]);
        Assert.Equal(secrets.ApiToken, orchestrator["FLEET_API_TOKEN"]);
        Assert.Equal("sqlite", orchestrator["Store__Provider"]);
        Assert.Equal("/data/fleet.db", orchestrator["Store__SqlitePath"]);
        Assert.True(orchestrator.ContainsKey("ConnectionStrings__fleetdb"));
        Assert.Null(orchestrator["ConnectionStrings__fleetdb"]);
        Assert.Equal("orchestrator", orchestrator["OTEL_SERVICE_NAME"]);
    }

    [Fact]
    public async Task The_simulator_gets_the_orchestrators_grpc_endpoint_and_the_same_robot_tokens()
    {
        var (model, secrets) = await ComposeAsync(new StorePlan(StoreOrigin.Sqlite, "/data/fleet.db", Forced: false), robots: 3);
        var orchestrator = model.EnvironmentFor(model["orchestrator"], 0);
        var simulator = model.EnvironmentFor(model["simulator"], 0);

        // Through the reference only (an inherited Simulator__Orchestrator is removed): it lists every silo.
        Assert.True(simulator.ContainsKey("Simulator__Orchestrator"));
        Assert.Null(simulator["Simulator__Orchestrator"]);
        Assert.Equal(orchestrator["Kestrel__Endpoints__Grpc__Url"], simulator["services__orchestrator__grpc__0"]);
        Assert.Equal("3", simulator["Simulator__Robots"]);
        Assert.Equal(["sim-1", "sim-2", "sim-3"], secrets.RobotTokens.Keys.Order());
        foreach (var (robot, token) in secrets.RobotTokens)
        {
            Assert.Equal(token, orchestrator[$"Fleet__RobotTokens__{robot}"]);
            Assert.Equal(token, simulator[$"Fleet__RobotTokens__{robot}"]);
        }
        Assert.Equal(3, secrets.RobotTokens.Values.Distinct().Count());
        Assert.DoesNotContain("FLEET_API_TOKEN", simulator.Keys);
    }

    [Fact]
    public async Task A_postgres_store_is_handed_over_as_the_fleetdb_connection_string()
    {
        var (model, _) = await ComposeAsync(new StorePlan(StoreOrigin.ExternalPostgres, "Host=db;Database=fleet", Forced: false));
        var orchestrator = model.EnvironmentFor(model["orchestrator"], 0);

        Assert.Equal("Host=db;Database=fleet", orchestrator["ConnectionStrings__fleetdb"]);
        Assert.Equal("postgres", orchestrator["Store__Provider"]);
        Assert.DoesNotContain("Store__SqlitePath", orchestrator.Keys);
    }

    [Fact]
    public async Task Pool_replicas_run_the_workers_build_output_with_their_own_ports_and_instance_ids()
    {
        var (model, _) = await ComposeAsync(new StorePlan(StoreOrigin.Sqlite, "/data/fleet.db", Forced: false));
        var pool = model["pool"];

        var specs = new[] { model.ProcessSpecFor(pool, 0), model.ProcessSpecFor(pool, 1) };

        Assert.Equal(["pool-0", "pool-1"], specs.Select(s => s.Name));
        Assert.All(specs, s => Assert.Equal("/repo/src/RoboTracer.Fleet.Inference/bin/Debug/net10.0/RoboTracer.Fleet.Inference.dll", s.Arguments.Single()));
        Assert.All(specs, s => Assert.Equal("/repo/src/RoboTracer.Fleet.Inference", s.WorkingDirectory));
        Assert.Equal("service.instance.id=pool-1", specs[1].Environment["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.NotEqual(specs[0].Environment["Kestrel__Endpoints__Http__Url"], specs[1].Environment["Kestrel__Endpoints__Http__Url"]);
    }

    [Fact]
    public void A_fixed_port_of_a_replicated_resource_goes_to_its_first_replica_and_the_others_take_free_ones()
    {
        var builder = new DistributedApplicationBuilder(new LogPrefixer(TextWriter.Null), "dotnet");
        var web = builder.AddExecutable("web", "/bin/true", "/").WithReplicas(3).WithHttpEndpoint(5080);

        var model = builder.Build().Model;
        var urls = Enumerable.Range(0, 3).Select(r => model.Url(web.Resource, "http", r)).ToList();

        Assert.Equal("http://127.0.0.1:5080", urls[0]);
        Assert.Equal(3, urls.Distinct().Count());
    }

    [Fact]
    public void Waiting_for_a_resource_added_later_is_refused()
    {
        var builder = new DistributedApplicationBuilder(new LogPrefixer(TextWriter.Null), "dotnet");
        var first = builder.AddExecutable("first", "/bin/true", "/");
        var second = builder.AddExecutable("second", "/bin/true", "/");
        first.WaitFor(second);

        Assert.Throws<InvalidOperationException>(builder.Build);
    }

    [Fact]
    public async Task Several_silos_are_orchestrator_replicas_with_their_own_Orleans_ports_and_the_simulator_gets_every_one()
    {
        var (model, _) = await ComposeAsync(new StorePlan(StoreOrigin.ExternalPostgres, "Host=db;Database=fleet", Forced: false), port: 5998, silos: 2);
        var silos = new[] { model.EnvironmentFor(model["orchestrator"], 0), model.EnvironmentFor(model["orchestrator"], 1) };
        var simulator = model.EnvironmentFor(model["simulator"], 0);

        Assert.Equal(["orchestrator-0", "orchestrator-1"], new[] { 0, 1 }.Select(r => model.ProcessSpecFor(model["orchestrator"], r).Name));
        Assert.Equal("http://127.0.0.1:5998", silos[0]["Kestrel__Endpoints__Http__Url"]);
        Assert.Equal(4, silos.SelectMany(s => new[] { s["Orleans__Endpoints__SiloPort"], s["Orleans__Endpoints__GatewayPort"] }).Distinct().Count());
        Assert.Equal(silos.Select(s => s["Kestrel__Endpoints__Grpc__Url"]), new[] { simulator["services__orchestrator__grpc__0"], simulator["services__orchestrator__grpc__1"] });
    }

    private static async Task<(DistributedApplicationModel Model, FleetSecrets Secrets)> ComposeAsync(StorePlan plan, int port = 0, int robots = 4, int silos = 1)
    {
        var builder = new DistributedApplicationBuilder(new LogPrefixer(TextWriter.Null), "dotnet");
        var secrets = FleetSecrets.Create(null, robots);
        await using var store = await RunningStore.StartAsync(plan, "/data", new LogPrefixer(TextWriter.Null));
        builder.AddFleet(new AppHostOptions { Port = port, Robots = robots, Silos = silos }, Projects, secrets, store);
        return (builder.Build().Model, secrets);
    }
}
