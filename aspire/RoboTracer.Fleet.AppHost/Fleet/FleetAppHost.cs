using RoboTracer.Fleet.AppHost.Hosting;
using RoboTracer.Fleet.EventStore.Postgres;

namespace RoboTracer.Fleet.AppHost.Fleet;

/// <summary>
/// The main job (DESIGN.md §4): parse the command line, choose and start the store, compose and run the fleet,
/// print where the dashboard is and the API token, submit the demo task. Exit codes: 0 clean stop, 1 the fleet could
/// not start, 2 a usage error.
/// </summary>
internal static class FleetAppHost
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken stoppingToken)
    {
        var parsed = AppHostOptions.Parse(args);
        if (parsed.HelpRequested)
        {
            await output.WriteLineAsync(AppHostOptions.Usage);
            return 0;
        }
        if (parsed.Options is not { } options)
        {
            await error.WriteLineAsync($"error: {parsed.Error}\n\n{AppHostOptions.Usage}");
            return 2;
        }

        var log = new LogPrefixer(output);
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        var firstRun = !Directory.Exists(dataDirectory);
        StorePlan plan;
        try
        {
            plan = StoreSelection.Choose(options.Store, Environment.GetEnvironmentVariable(StoreSelection.ConnectionStringVariable), LocalPostgresCluster.BinariesAvailable, dataDirectory);
            if (options.Silos > 1 && plan.Origin == StoreOrigin.Sqlite)
            {
                throw new AppHostUsageException($"--silos {options.Silos} needs PostgreSQL (silos cluster in its tables); the store would be SQLite. Use --store postgres with the PostgreSQL binaries installed, or ConnectionStrings__fleetdb.");
            }
        }
        catch (AppHostUsageException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }

        var projects = FleetProjects.FromBuild();
        if (projects.All.FirstOrDefault(p => !File.Exists(p.AssemblyPath)) is { } missing)
        {
            await error.WriteLineAsync($"error: {missing.AssemblyPath} is missing; build with `dotnet build aspire/RoboTracer.Fleet.AppHost` (dotnet run does).");
            return 1;
        }

        Directory.CreateDirectory(dataDirectory);
        RunningStore store;
        try
        {
            store = await RunningStore.StartAsync(plan, dataDirectory, log);
        }
        catch (InvalidOperationException e)
        {
            await error.WriteLineAsync($"error: the store did not start: {e.Message}");
            return 1;
        }

        await using (store)
        {
            var secrets = FleetSecrets.Create(Environment.GetEnvironmentVariable(FleetSecrets.ApiTokenVariable), options.Robots);
            var builder = new DistributedApplicationBuilder(log);
            var orchestrator = builder.AddFleet(options, projects, secrets, store);
            var app = builder.Build();
            var dashboard = new Uri(app.Model.Url(orchestrator.Resource, "http") + "/");

            log.Host($"store: {store.Plan.Describe()}");
            log.Host($"dashboard: {dashboard}");
            log.Host(secrets.ApiTokenGenerated
                ? $"API token: {secrets.ApiToken} (generated for this run; set {FleetSecrets.ApiTokenVariable} to choose one)"
                : $"API token: from {FleetSecrets.ApiTokenVariable}");
            if (Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } otlp)
            {
                log.Host($"telemetry: OTLP to {otlp}");
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            if (options.Duration is { } duration)
            {
                stop.CancelAfter(duration);
            }
            var announce = AnnounceAsync(app, log, dashboard, options.Demo ?? firstRun ? new DemoSubmitter(DemoHttp.Client, dashboard, secrets.ApiToken, options.Robots, log) : null, stop.Token);
            var exitCode = await app.RunAsync(stop.Token);
            await announce;
            return exitCode;
        }
    }

    private static async Task AnnounceAsync(DistributedApplication app, LogPrefixer log, Uri dashboard, DemoSubmitter? demo, CancellationToken cancellationToken)
    {
        try
        {
            await app.WaitForResourceReadyAsync(FleetComposition.Orchestrator, cancellationToken);
            log.Host($"the fleet is up: dashboard {dashboard}");
            if (demo is not null)
            {
                await demo.SubmitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped first.
        }
    }
}
