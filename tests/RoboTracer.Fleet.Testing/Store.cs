namespace RoboTracer.Fleet.Testing;

/// <summary>Store settings for an orchestrator under test.</summary>
public static class Store
{
    public static IReadOnlyDictionary<string, string?> Sqlite(string path) => new Dictionary<string, string?>
    {
        ["Store:Provider"] = "sqlite",
        ["Store:SqlitePath"] = path,
    };

    public static IReadOnlyDictionary<string, string?> Postgres(string connectionString) => new Dictionary<string, string?>
    {
        ["ConnectionStrings:fleetdb"] = connectionString,
    };
}
