using Microsoft.Extensions.Configuration;
using RoboTracer.Fleet.Orchestrator.Hosting;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests;

public sealed class StoreSelectionTests
{
    [Fact]
    public void A_sqlite_style_connection_string_for_postgres_is_refused_with_what_to_do()
    {
        var configuration = Configuration(("ConnectionStrings:fleetdb", "Data Source=/var/lib/fleet/fleet.db"));

        var error = Assert.Throws<InvalidOperationException>(() => StoreSelection.FromConfiguration(configuration));

        Assert.Contains("ConnectionStrings:fleetdb is not a PostgreSQL connection string", error.Message, StringComparison.Ordinal);
        Assert.Contains("Store:SqlitePath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_store_is_postgres_with_a_connection_string_and_sqlite_without()
    {
        var postgres = StoreSelection.FromConfiguration(Configuration(("ConnectionStrings:fleetdb", "Host=db;Database=fleet"), ("Store:Schema", "fleet_a")));
        var sqlite = StoreSelection.FromConfiguration(Configuration(("Store:SqlitePath", "/tmp/fleet-test.db")));

        Assert.Equal(("postgres", "Host=db;Database=fleet", "fleet_a"), (postgres.Provider, postgres.Target, postgres.Schema));
        Assert.Equal(("sqlite", "/tmp/fleet-test.db"), (sqlite.Provider, sqlite.Target));
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
