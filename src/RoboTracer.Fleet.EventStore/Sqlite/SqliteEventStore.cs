using Microsoft.Data.Sqlite;
using RoboTracer.Fleet.EventStore.GroupCommit;

namespace RoboTracer.Fleet.EventStore.Sqlite;

/// <summary>
/// The embedded <see cref="IEventStore"/> for one node: a SQLite file in WAL mode with <c>synchronous=FULL</c>
/// (an acknowledged append survives power loss), the same group commit, positions and semantics as
/// <see cref="Postgres.PostgresEventStore"/>.
/// </summary>
/// <remarks>
/// Every appending transaction starts with <c>BEGIN IMMEDIATE</c>, SQLite's single write lock, and assigns
/// positions from the head row under it, so commit order is position order and readers following
/// "position &gt; checkpoint" skip nothing (the same argument as for PostgreSQL's advisory lock). Readers use
/// their own pooled connections and, in WAL mode, never wait for the writer. Subscribers are woken by this
/// store's commits; another process writing the same file is noticed by the poll interval.
/// </remarks>
public sealed partial class SqliteEventStore : IEventStore, IBatchWriter
{
    private readonly string _connectionString;
    private readonly EventStoreOptions _options;
    private readonly SqliteConnection _writer;
    private readonly WakeSignal _signal = new();
    private readonly GroupCommitter _committer;
    private int _disposed;

    private SqliteEventStore(string connectionString, SqliteConnection writer, EventStoreOptions options)
    {
        _connectionString = connectionString;
        _writer = writer;
        _options = options;
        _committer = new GroupCommitter(this, options, _signal);
    }

    /// <summary>The database file.</summary>
    public string Path => _writer.DataSource;

    internal (long Batches, long Events) Statistics => _committer.Statistics;

    /// <summary>Opens (creating when missing) the store in the SQLite file at <paramref name="path"/> and migrates it.</summary>
    public static Task<SqliteEventStore> OpenAsync(string path, EventStoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new EventStoreOptions();
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var fullPath = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(fullPath)!);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Seconds a command waits on another connection's lock (SQLITE_BUSY) before it fails.
            DefaultTimeout = 30,
        }.ToString();
        var writer = OpenWriteConnection(connectionString);
        try
        {
            SqliteMigrations.Apply(writer);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
        return Task.FromResult(new SqliteEventStore(connectionString, writer, options));
    }

    /// <inheritdoc />
    public Task<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default)
    {
        StreamId.Validate(streamId);
        using var connection = OpenReadConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(max(version), 0) FROM events WHERE stream_id = $stream";
        command.Parameters.AddWithValue("$stream", streamId);
        return Task.FromResult((long)command.ExecuteScalar()!);
    }

    /// <inheritdoc />
    public Task<long> GetHeadPositionAsync(CancellationToken cancellationToken = default)
    {
        using var connection = OpenReadConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT position FROM head";
        return Task.FromResult((long)command.ExecuteScalar()!);
    }

    /// <summary>Finishes the queued appends, then closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _committer.DisposeAsync();
        await _writer.DisposeAsync();
        // Pooled reader handles would keep the file (and its -wal) open after the store is gone.
        using var forPool = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(forPool);
    }

    internal static long ToMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    internal static DateTimeOffset FromMicroseconds(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);

    internal SqliteConnection OpenReadConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    internal SqliteConnection OpenWriteConnection() => OpenWriteConnection(_connectionString);

    private static SqliteConnection OpenWriteConnection(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        // FULL: in WAL mode NORMAL may lose the last commits on power loss; an acknowledged append must not.
        command.CommandText = "PRAGMA synchronous = FULL;";
        command.ExecuteNonQuery();
        return connection;
    }
}
