using Microsoft.Data.Sqlite;
using RoboTracer.Fleet.EventStore.Sqlite;

namespace RoboTracer.Fleet.EventStore.IntegrationTests.Sqlite;

/// <summary>The contract on the embedded store: a fresh SQLite file per test.</summary>
public sealed class SqliteEventStoreContractTests : EventStoreContractTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fleet-sqlite-").FullName;

    private string DatabasePath => Path.Combine(_directory, "events.db");

    protected override string CorruptPayload => """{"Task": "task-10", "Instruction": """;

    protected override async Task<IEventStore> OpenStoreCoreAsync(EventStoreOptions options) => await SqliteEventStore.OpenAsync(DatabasePath, options);

    protected override async Task OverwritePayloadAsync(long position, string payload)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE events SET data = $data WHERE position = $position";
        command.Parameters.AddWithValue("$data", System.Text.Encoding.UTF8.GetBytes(payload));
        command.Parameters.AddWithValue("$position", position);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    protected override async Task<long> CountBlobRowsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM blobs";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    protected override long BatchesCommitted(IEventStore store) => ((SqliteEventStore)store).Statistics.Batches;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_file_is_in_wal_mode()
    {
        await OpenStoreAsync();
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }
}
