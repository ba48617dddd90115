namespace RoboTracer.Fleet.AppHost.Fleet;

/// <summary>The store asked for with <c>--store</c>.</summary>
internal enum StoreKind
{
    Sqlite,
    Postgres,
}
