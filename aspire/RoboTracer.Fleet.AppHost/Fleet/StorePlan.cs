namespace RoboTracer.Fleet.AppHost.Fleet;

/// <summary>
/// The chosen store: <paramref name="Target"/> is the connection string (external PostgreSQL), the cluster directory
/// (local PostgreSQL) or the database file (SQLite). <paramref name="Forced"/>: asked for with <c>--store</c>, so a
/// local cluster that fails to start is an error rather than a fall-back to SQLite.
/// </summary>
internal sealed record StorePlan(StoreOrigin Origin, string Target, bool Forced)
{
    public string Describe() => Origin switch
    {
        StoreOrigin.ExternalPostgres => "PostgreSQL from ConnectionStrings__fleetdb",
        StoreOrigin.LocalPostgres => $"local PostgreSQL cluster in {Target}",
        _ => $"SQLite at {Target}",
    };
}
