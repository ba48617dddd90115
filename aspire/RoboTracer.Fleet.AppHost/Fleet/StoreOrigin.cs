namespace RoboTracer.Fleet.AppHost.Fleet;

/// <summary>Where the fleet's event store comes from.</summary>
internal enum StoreOrigin
{
    /// <summary>The PostgreSQL server named by <c>ConnectionStrings__fleetdb</c>.</summary>
    ExternalPostgres,

    /// <summary>A PostgreSQL cluster the AppHost runs from the system's binaries, kept in the data folder.</summary>
    LocalPostgres,

    /// <summary>The embedded SQLite store, a file in the data folder.</summary>
    Sqlite,
}
