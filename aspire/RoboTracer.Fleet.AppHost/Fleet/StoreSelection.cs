namespace RoboTracer.Fleet.AppHost.Fleet;

/// <summary>
/// Which store the fleet uses (DESIGN.md §4): <c>--store</c> decides when given; otherwise an external PostgreSQL
/// when <c>ConnectionStrings__fleetdb</c> is set, else a local cluster when PostgreSQL's binaries are installed, else
/// the embedded SQLite store. The local cluster and the SQLite file live in the data folder.
/// </summary>
internal static class StoreSelection
{
    public const string ConnectionStringVariable = "ConnectionStrings__fleetdb";

    public static StorePlan Choose(StoreKind? requested, string? externalConnectionString, bool postgresBinariesAvailable, string dataDirectory)
    {
        var hasExternal = !string.IsNullOrWhiteSpace(externalConnectionString);
        var sqlite = new StorePlan(StoreOrigin.Sqlite, Path.Combine(dataDirectory, "fleet.db"), requested is not null);
        var local = new StorePlan(StoreOrigin.LocalPostgres, Path.Combine(dataDirectory, "postgres"), requested is not null);
        return requested switch
        {
            StoreKind.Sqlite => sqlite,
            StoreKind.Postgres when hasExternal => new StorePlan(StoreOrigin.ExternalPostgres, externalConnectionString!, Forced: true),
            StoreKind.Postgres when postgresBinariesAvailable => local,
            StoreKind.Postgres => throw new AppHostUsageException(
                $"--store postgres: {ConnectionStringVariable} is not set and no PostgreSQL server binaries (initdb, postgres, pg_isready) were found under /usr/lib/postgresql/*/bin or on PATH; install Debian's postgresql package, set {ConnectionStringVariable}, or use --store sqlite."),
            _ when hasExternal => new StorePlan(StoreOrigin.ExternalPostgres, externalConnectionString!, Forced: false),
            _ when postgresBinariesAvailable => local,
            _ => sqlite,
        };
    }
}
