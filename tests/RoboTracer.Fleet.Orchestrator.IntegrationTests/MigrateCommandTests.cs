using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Npgsql;
using RoboTracer.Fleet.EventStore.Postgres;
using RoboTracer.Fleet.Orchestrator.Hosting;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests;

/// <summary>
/// <c>migrate</c> (<see cref="MigrateCommand"/>) against a throwaway PostgreSQL from the system's binaries: the real
/// orchestrator binary as the Kubernetes Job runs it, and the failures with their exit codes and messages.
/// </summary>
public sealed class MigrateCommandTests(MigrateCommandTests.Database database) : IClassFixture<MigrateCommandTests.Database>
{
    private string ConnectionString => database.ConnectionString;

    [Fact]
    public async Task The_orchestrator_binary_migrates_an_empty_database_and_a_second_run_changes_nothing()
    {
        var schema = NewSchema();
        var environment = new Dictionary<string, string> { ["ConnectionStrings__fleetdb"] = ConnectionString, ["Store__Schema"] = schema };

        var first = await RunOrchestratorAsync(environment, "migrate");
        var applied = await AppliedMigrationsAsync(schema);
        var second = await RunOrchestratorAsync(environment, "migrate");

        Assert.True(first.ExitCode == 0, $"first run exited {first.ExitCode}: {first.Error}");
        Assert.Contains($"schema {schema} is current", first.Output, StringComparison.Ordinal);
        Assert.NotEmpty(applied);
        // The Orleans cluster's tables come with the migrations: a silo needs nothing else.
        Assert.True(await CountAsync($"SELECT count(*) FROM {schema}.orleansquery") > 0, "no OrleansQuery rows");
        Assert.True(second.ExitCode == 0, $"second run exited {second.ExitCode}: {second.Error}");
        Assert.Equal(applied, await AppliedMigrationsAsync(schema));
    }

    [Fact]
    public async Task The_orchestrator_binary_exits_3_when_postgres_cannot_be_reached()
    {
        var environment = new Dictionary<string, string> { ["ConnectionStrings__fleetdb"] = $"Host=127.0.0.1;Port={ClosedPort()};Username=postgres;Timeout=5" };

        var result = await RunOrchestratorAsync(environment, "migrate");

        Assert.Equal(MigrateCommand.Unreachable, result.ExitCode);
        Assert.Contains("migrate: cannot reach PostgreSQL", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_schema_newer_than_the_build_is_refused_with_exit_1()
    {
        var schema = NewSchema();
        Assert.Equal(MigrateCommand.Ok, (await RunAsync(("ConnectionStrings:fleetdb", ConnectionString), ("Store:Schema", schema))).ExitCode);
        await CountAsync($"INSERT INTO {schema}.schema_migrations (version, name) VALUES (999, 'from a newer build') RETURNING 1");

        var result = await RunAsync(("ConnectionStrings:fleetdb", ConnectionString), ("Store:Schema", schema));

        Assert.Equal(MigrateCommand.Refused, result.ExitCode);
        Assert.Contains("newer than this build knows", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_that_refuses_the_user_is_exit_1_with_postgres_reason()
    {
        var result = await RunAsync(("ConnectionStrings:fleetdb", ConnectionString.Replace("Database=postgres", "Database=no_such_db", StringComparison.Ordinal)));

        Assert.Equal(MigrateCommand.Refused, result.ExitCode);
        Assert.Contains("PostgreSQL refused (3D000)", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Store:SqlitePath", "/tmp/fleet-migrate-test.db", "migrate is for a PostgreSQL store")]
    [InlineData("Store:Provider", "postgres", "ConnectionStrings:fleetdb is not set")]
    public async Task A_configuration_without_a_postgres_store_is_exit_2_with_what_to_set(string key, string value, string message)
    {
        var result = await RunAsync((key, value));

        Assert.Equal(MigrateCommand.Usage, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/fleet-migrate-test.db"), "migrate created a SQLite store");
    }

    private static string NewSchema() => "m_" + Guid.NewGuid().ToString("N")[..16];

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await MigrateCommand.RunAsync(configuration, output, error, CancellationToken.None);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>The orchestrator's own build output (referenced by this project), run with <c>dotnet</c> as the image's entry point does.</summary>
    private static async Task<(int ExitCode, string Output, string Error)> RunOrchestratorAsync(Dictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(MigrateCommand).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output, await error);
    }

    private async Task<List<(int Version, DateTime AppliedAt)>> AppliedMigrationsAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT version, applied_at FROM {schema}.schema_migrations ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, DateTime)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetDateTime(1)));
        }
        return rows;
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>One PostgreSQL for the class; each test migrates its own schema.</summary>
    public sealed class Database : IAsyncLifetime
    {
        private LocalPostgresCluster? _server;

        public string ConnectionString => _server!.ConnectionString;

        public async Task InitializeAsync() => _server = await LocalPostgresCluster.StartAsync();

        public async Task DisposeAsync()
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }
}
