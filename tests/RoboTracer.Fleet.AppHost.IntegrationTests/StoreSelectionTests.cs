using RoboTracer.Fleet.AppHost.Fleet;

namespace RoboTracer.Fleet.AppHost.IntegrationTests;

public sealed class StoreSelectionTests
{
    private const string Data = "/data/.fleet";
    private const string External = "Host=db;Database=fleet";

    [Theory]
    [InlineData(null, External, true, "ExternalPostgres")]
    [InlineData(null, null, true, "LocalPostgres")]
    [InlineData(null, null, false, "Sqlite")]
    [InlineData("Sqlite", External, true, "Sqlite")]
    [InlineData("Postgres", External, false, "ExternalPostgres")]
    [InlineData("Postgres", null, true, "LocalPostgres")]
    public void The_store_follows_the_flag_then_the_connection_string_then_the_binaries(string? requested, string? connectionString, bool binaries, string expected)
    {
        StoreKind? kind = requested is null ? null : Enum.Parse<StoreKind>(requested);

        var plan = StoreSelection.Choose(kind, connectionString, binaries, Data);

        Assert.Equal(Enum.Parse<StoreOrigin>(expected), plan.Origin);
        Assert.Equal(requested is not null, plan.Forced);
    }

    [Fact]
    public void Local_stores_live_in_the_data_folder()
    {
        Assert.Equal("/data/.fleet/fleet.db", StoreSelection.Choose(StoreKind.Sqlite, null, true, Data).Target);
        Assert.Equal("/data/.fleet/postgres", StoreSelection.Choose(null, null, true, Data).Target);
        Assert.Equal(External, StoreSelection.Choose(null, External, true, Data).Target);
    }

    [Fact]
    public void Postgres_without_a_server_or_binaries_is_a_clear_error()
    {
        var error = Assert.Throws<AppHostUsageException>(() => StoreSelection.Choose(StoreKind.Postgres, " ", false, Data));

        Assert.Contains("ConnectionStrings__fleetdb", error.Message, StringComparison.Ordinal);
        Assert.Contains("--store sqlite", error.Message, StringComparison.Ordinal);
    }
}
