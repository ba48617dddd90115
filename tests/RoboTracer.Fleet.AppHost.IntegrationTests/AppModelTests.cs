using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RoboTracer.Fleet.AppHost.IntegrationTests;

/// <summary>
/// What each service is handed, read from the application model the AppHost's Program builds (nothing started):
/// the configuration keys the services read (DESIGN.md §4), as Aspire's manifest expressions.
/// </summary>
public sealed class AppModelTests : IDisposable
{
    private const string Token = "model-test-token";

    private readonly string _data = Path.Combine(Path.GetTempPath(), "fleet-model-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task The_orchestrator_gets_each_pool_worker_its_endpoints_the_tokens_and_the_sqlite_store()
    {
        var (model, environment) = await ComposeAsync("--store", "sqlite", "--robots", "3");
        var orchestrator = environment["orchestrator"];

        Assert.Equal("{pool-1.bindings.grpc.url}", orchestrator["services__pool__grpc__0"]);
        Assert.Equal("{pool-2.bindings.grpc.url}", orchestrator["services__pool__grpc__1"]);
        Assert.Equal("http://localhost:{orchestrator.bindings.http.targetPort}", orchestrator["Kestrel__Endpoints__Http__Url"]);
        Assert.Equal("http://localhost:{orchestrator.bindings.grpc.targetPort}", orchestrator["Kestrel__Endpoints__Grpc__Url"]);
        Assert.Equal("{orchestrator.bindings.orleans-silo.targetPort}", orchestrator["Orleans__Endpoints__SiloPort"]);
        Assert.Equal("{orchestrator.bindings.orleans-gateway.targetPort}", orchestrator["Orleans__Endpoints__GatewayPort"]);
        Assert.Equal(Token, orchestrator["FLEET_API_TOKEN"]);
        Assert.Equal("sqlite", orchestrator["Store__Provider"]);
        Assert.Equal(Path.Combine(_data, "fleet.db"), orchestrator["Store__SqlitePath"]);
        Assert.Equal("", orchestrator["ConnectionStrings__fleetdb"]);
        Assert.DoesNotContain(model.Resources, r => r.Name == "postgres");
    }

    [Fact]
    public async Task The_simulator_gets_the_orchestrators_grpc_endpoint_and_the_same_robot_tokens()
    {
        var (_, environment) = await ComposeAsync("--store", "sqlite", "--robots", "3");
        var orchestrator = environment["orchestrator"];
        var simulator = environment["simulator"];

        Assert.Equal("{orchestrator.bindings.grpc.url}", simulator["services__orchestrator__grpc__0"]);
        Assert.Equal("", simulator["Simulator__Orchestrator"]);
        Assert.Equal("3", simulator["Simulator__Robots"]);
        var robots = simulator.Keys.Where(k => k.StartsWith("Fleet__RobotTokens__", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["Fleet__RobotTokens__sim-1", "Fleet__RobotTokens__sim-2", "Fleet__RobotTokens__sim-3"], robots);
        Assert.All(robots, key => Assert.Equal(orchestrator[key], simulator[key]));
        Assert.Equal(3, robots.Select(key => simulator[key]).Distinct().Count());
        Assert.DoesNotContain("FLEET_API_TOKEN", simulator.Keys);
    }

    [Fact]
    public async Task A_local_postgres_is_handed_over_as_the_fleetdb_connection_string_and_several_silos_are_orchestrator_replicas()
    {
        var (model, environment) = await ComposeAsync("--store", "postgres", "--silos", "2");
        var orchestrator = environment["orchestrator"];

        Assert.Equal("{postgres.connectionString}", orchestrator["ConnectionStrings__fleetdb"]);
        Assert.Equal("postgres", orchestrator["Store__Provider"]);
        Assert.DoesNotContain("Store__SqlitePath", orchestrator.Keys);
        // PostgreSQL listens on its endpoint's port, handed over in PGPORT (run-postgres.sh).
        Assert.Equal("{postgres.bindings.tcp.targetPort}", environment["postgres"]["PGPORT"]);
        Assert.Equal(2, model.Resources.Single(r => r.Name == "orchestrator").Annotations.OfType<ReplicaAnnotation>().Single().Replicas);
    }

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private async Task<(DistributedApplicationModel Model, Dictionary<string, Dictionary<string, string>> Environment)> ComposeAsync(params string[] options)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync(typeof(FleetEndpoints), ["--no-demo", "--data", _data, .. options], (_, host) =>
            host.Configuration!.AddInMemoryCollection(new Dictionary<string, string?> { ["FLEET_API_TOKEN"] = Token, ["ConnectionStrings:fleetdb"] = "" }));
        await using var app = await builder.BuildAsync();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var environment = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var resource in model.Resources.OfType<IResourceWithEnvironment>())
        {
            // Obsolete in 13.6 in favour of ExecutionConfigurationBuilder; it still evaluates the manifest expressions
            // that this test compares, in one call.
#pragma warning disable CS0618
            environment[resource.Name] = await resource.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
#pragma warning restore CS0618
        }
        return (model, environment);
    }
}
