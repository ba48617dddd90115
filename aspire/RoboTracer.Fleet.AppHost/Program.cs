using RoboTracer.Fleet.AppHost;
using RoboTracer.Fleet.AppHost.Fleet;

// The fleet as a diagram (DESIGN.md §4). The command line is read first: a usage error exits 2 before anything starts.
if (FleetCommandLine.Read(args, Console.Out, Console.Error, out var options) is { } exitCode)
{
    return exitCode;
}

// Our options are not Aspire's configuration: the builder gets none of them.
var builder = DistributedApplication.CreateBuilder([]);
builder.StopChildrenBeforeExit();
builder.LogResourceStates();
if (builder.ChooseStore(options, Console.Error) is not { } store)
{
    return 2;
}
var secrets = FleetSecrets.Create(builder.Configuration[FleetSecrets.ApiTokenVariable], options.Robots);

var fleetdb = builder.AddFleetDatabase(store);

IResourceBuilder<ProjectResource>[] pool =
[
    builder.AddPoolWorker("pool-1", options),
    builder.AddPoolWorker("pool-2", options),
];

var orchestrator = builder.AddProject<Projects.RoboTracer_Fleet_Orchestrator>("orchestrator")
    .WithReplicas(options.Silos)
    .WithFleetHttpEndpoint(options.Port)
    .WithFleetGrpcEndpoint()
    .WithOrleansEndpoints()
    .WithPoolWorkers(pool)
    .WithFleetStore(store, fleetdb)
    .WithEnvironment(FleetSecrets.ApiTokenVariable, secrets.ApiToken)
    .WithRobotTokens(secrets)
    .WithHttpHealthCheck("/alive", endpointName: FleetEndpoints.Http)
    .WithFleetLinks()
    .WithFleetCommands(secrets, options)
    .WithRestartOnCrash();

builder.AddProject<Projects.RoboTracer_Fleet_Simulator>("simulator")
    .WithRobotsOf(orchestrator, options.Robots)
    .WithRobotTokens(secrets)
    .WithRestartOnCrash()
    .WaitFor(orchestrator);

builder.AnnounceFleet(orchestrator, store, secrets, options);

var app = builder.Build();
app.StopAfter(options.Duration);
await app.RunAsync();
return 0;
