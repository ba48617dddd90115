using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Postgres;
using RoboTracer.Fleet.EventStore.Sqlite;

namespace RoboTracer.Fleet.Orchestrator.Hosting;

/// <summary>
/// Which event store this node writes to (DESIGN.md §4): PostgreSQL when <c>ConnectionStrings:fleetdb</c> is set,
/// else the embedded SQLite file <c>Store:SqlitePath</c>; <c>Store:Provider</c> (postgres|sqlite) forces one.
/// <c>Store:Schema</c> picks the PostgreSQL schema, so several fleets can share one server.
/// </summary>
internal sealed record StoreSelection(string Provider, string Target, string Schema = PostgresEventStore.DefaultSchema)
{
    public static StoreSelection FromConfiguration(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("fleetdb");
        var provider = configuration["Store:Provider"]?.Trim().ToLowerInvariant();
        provider ??= string.IsNullOrWhiteSpace(connectionString) ? "sqlite" : "postgres";
        return provider switch
        {
            "postgres" when string.IsNullOrWhiteSpace(connectionString) => throw new InvalidOperationException(
                "Store:Provider is postgres but ConnectionStrings:fleetdb is not set: give the connection string (env ConnectionStrings__fleetdb)."),
            "postgres" => new StoreSelection("postgres", CheckPostgres(connectionString!), configuration["Store:Schema"] is { Length: > 0 } schema ? schema : PostgresEventStore.DefaultSchema),
            "sqlite" => new StoreSelection("sqlite", Path.GetFullPath(configuration["Store:SqlitePath"] is { Length: > 0 } path ? path : "fleet.db")),
            _ => throw new InvalidOperationException($"Store:Provider is '{provider}'; it must be postgres or sqlite."),
        };
    }

    /// <summary>The connection string when Npgsql can read it; otherwise what is wrong with it and what to do.</summary>
    private static string CheckPostgres(string connectionString)
    {
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            return connectionString;
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:fleetdb is not a PostgreSQL connection string ({e.Message}); write it as \"Host=…;Port=5432;Database=…;Username=…;Password=…\". For the embedded SQLite store, leave it unset and give Store:SqlitePath instead.",
                e);
        }
    }

    public async Task<IEventStore> OpenAsync(CancellationToken cancellationToken) => Provider == "postgres"
        ? await PostgresEventStore.OpenAsync(Target, schema: Schema, cancellationToken: cancellationToken)
        : await SqliteEventStore.OpenAsync(Target, cancellationToken: cancellationToken);

    /// <summary>Where the store is, without secrets, for the log.</summary>
    public string Describe() => Provider == "postgres"
        ? $"PostgreSQL {new Npgsql.NpgsqlConnectionStringBuilder(Target) { Password = null }}, schema {Schema}"
        : "SQLite " + Target;
}
