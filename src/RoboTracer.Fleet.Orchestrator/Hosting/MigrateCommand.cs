using Npgsql;
using RoboTracer.Fleet.EventStore;

namespace RoboTracer.Fleet.Orchestrator.Hosting;

/// <summary>
/// <c>migrate</c>, the orchestrator's one command besides running: applies the PostgreSQL event store's schema
/// migrations (the Orleans cluster tables among them) with the configuration a silo of the same build would use, then
/// exits. deploy/kubernetes runs it as a Job, so a rollout's schema change is a step of its own that fails loudly; the
/// silos still migrate when they open the store (the same migrations, idempotent, under one advisory lock), so a
/// missed Job costs nothing.
/// </summary>
/// <remarks>
/// Exit codes are fleet's (src/RoboTracer.Fleet.Cli/ExitCodes.cs): 0 the schema is current; 1 the database refused
/// (permissions, a schema newer than this build); 2 the configuration does not name a PostgreSQL store; 3 PostgreSQL
/// cannot be reached.
/// </remarks>
internal static class MigrateCommand
{
    public const string Name = "migrate";

    public const int Ok = 0;
    public const int Refused = 1;
    public const int Usage = 2;
    public const int Unreachable = 3;

    /// <summary>True when the first argument is <c>migrate</c>; the other arguments are configuration, as for a silo.</summary>
    public static bool IsRequested(string[] args) => args is [Name, ..];

    /// <summary>Migrates with the configuration the orchestrator reads (appsettings, environment, <paramref name="args"/> after <c>migrate</c>).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = Host.CreateApplicationBuilder(args[1..]).Configuration;
        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The migration's transaction rolls back; the process then ends on the cancellation.
            e.Cancel = true;
            interrupted.Cancel();
        };
        return await RunAsync(configuration, Console.Out, Console.Error, interrupted.Token);
    }

    public static async Task<int> RunAsync(IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        StoreSelection store;
        try
        {
            store = StoreSelection.FromConfiguration(configuration);
        }
        catch (InvalidOperationException e)
        {
            await error.WriteLineAsync($"migrate: {e.Message}");
            return Usage;
        }
        if (store.Provider != "postgres")
        {
            // An embedded SQLite file belongs to one orchestrator, which migrates it when it opens it.
            await error.WriteLineAsync(
                $"migrate: the store is {store.Describe()}; migrate is for a PostgreSQL store shared by silos: set ConnectionStrings:fleetdb (env ConnectionStrings__fleetdb).");
            return Usage;
        }
        await output.WriteLineAsync($"migrate: {store.Describe()}");
        try
        {
            await using var opened = await store.OpenAsync(cancellationToken);
        }
        catch (EventStoreUnavailableException e)
        {
            await error.WriteLineAsync($"migrate: cannot reach PostgreSQL: {e.Message}");
            return Unreachable;
        }
        catch (PostgresException e)
        {
            await error.WriteLineAsync($"migrate: PostgreSQL refused ({e.SqlState}): {e.MessageText}");
            return Refused;
        }
        catch (EventStoreException e)
        {
            await error.WriteLineAsync($"migrate: {e.Message}");
            return Refused;
        }
        await output.WriteLineAsync($"migrate: schema {store.Schema} is current");
        return Ok;
    }
}
