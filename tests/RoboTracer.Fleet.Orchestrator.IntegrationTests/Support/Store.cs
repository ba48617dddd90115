namespace RoboTracer.Fleet.Orchestrator.IntegrationTests.Support;

/// <summary>Store settings for an orchestrator under test.</summary>
internal static class Store
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
