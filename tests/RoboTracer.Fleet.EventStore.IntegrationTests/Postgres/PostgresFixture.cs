using Npgsql;
using RoboTracer.Fleet.EventStore.Postgres;

namespace RoboTracer.Fleet.EventStore.IntegrationTests.Postgres;

/// <summary>
/// The PostgreSQL the tests of the "postgres" collection share: FLEET_TEST_POSTGRES when set, otherwise a
/// <see cref="LocalPostgresCluster"/> started for the run. Each test gets its own schema, so tests never see each
/// other's events; on an external server those schemas are dropped afterwards.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly List<string> _schemas = [];
    private LocalPostgresCluster? _server;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("FLEET_TEST_POSTGRES") is { Length: > 0 } external)
        {
            ConnectionString = external;
            return;
        }
        _server = await LocalPostgresCluster.StartAsync();
        ConnectionString = _server.ConnectionString;
    }

    public string NewSchema()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        lock (_schemas)
        {
            _schemas.Add(schema);
        }
        return schema;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            return;
        }
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        foreach (var schema in _schemas)
        {
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
