using System.Data;
using System.Net.Sockets;
using Npgsql;
using RoboTracer.Fleet.EventStore.GroupCommit;

namespace RoboTracer.Fleet.EventStore.Postgres;

/// <summary>
/// The production <see cref="IEventStore"/>: PostgreSQL through an <see cref="NpgsqlDataSource"/>, with group
/// commit, gap-free positions, LISTEN/NOTIFY wake-ups for subscribers, blobs as bytea, and versioned migrations
/// applied by <see cref="OpenAsync(NpgsqlDataSource, EventStoreOptions?, string, CancellationToken)"/>.
/// </summary>
/// <remarks>
/// <para><b>Positions without gaps for readers.</b> A sequence would hand out positions at insert time, and
/// transactions commit in another order: a reader at position 12 could miss an 11 that commits a moment later.
/// Here every appending transaction assigns positions after the head (the head row: last position, its time, a
/// token), writes its rows, and as its last statement before COMMIT moves the head with
/// <see cref="PostgresNames.AdvanceHead"/>, which takes the head row's lock and fails unless the head is still
/// where the transaction planned from. So a transaction commits positions (H, H'] only while the head says H,
/// and holds the row until its commit: the next one cannot move the head from H' before this one is visible.
/// PostgreSQL releases row locks only after the commit record is flushed and the transaction is visible to new
/// snapshots (CommitTransaction: RecordTransactionCommit, ProcArrayEndTransaction, then the lock release). Commit
/// order is position order, and any snapshot sees a prefix of the positions: "WHERE position &gt; checkpoint"
/// never skips an event. It works across processes and nodes; retention locks the head row too.</para>
/// <para><b>Group commit, pipelined.</b> One transaction per append would be slow, so appends are queued and
/// written in batches (<see cref="GroupCommitter"/>): one transaction, one binary COPY, one fsync for everything
/// that arrived meanwhile. Up to three batches are in flight: each is planned on the head the one before it will
/// leave (and on the stream versions it will leave, cached), copies its rows while the one before it commits,
/// and moves the head once that one settled. Expected versions and idempotency keys are checked against that
/// snapshot (<see cref="AppendPlanner"/>), so a conflicting append fails alone and the rest of its batch commits.
/// When a plan turns out wrong (a batch before it failed, another node or a retention run wrote, a unique index
/// refuses a row) nothing of the batch is written, and it is planned again with the head row locked first; and for
/// two seconds the writer stops pipelining and writes one batch at a time, the head row locked, so that several
/// nodes writing to one schema take turns in PostgreSQL's lock queue instead of taking each other's positions.</para>
/// </remarks>
public sealed partial class PostgresEventStore : IEventStore, IBatchWriter
{
    /// <summary>The schema used when none is given.</summary>
    public const string DefaultSchema = "fleet_events";

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly EventStoreOptions _options;
    private readonly PostgresNames _names;
    private readonly WakeSignal _signal = new();
    private readonly GroupCommitter _committer;
    private readonly PostgresNotificationListener _listener;
    private int _disposed;

    private PostgresEventStore(NpgsqlDataSource dataSource, bool ownsDataSource, EventStoreOptions options, PostgresNames names)
    {
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _options = options;
        _names = names;
        _listener = new PostgresNotificationListener(dataSource, names.Channel, _signal, options.SubscriptionPollInterval);
        _committer = new GroupCommitter(this, options, _signal);
    }

    /// <summary>The schema holding this store's tables.</summary>
    public string Schema => _names.Schema;

    internal (long Batches, long Events) Statistics => _committer.Statistics;

    internal long BatchesPlannedAgain => _committer.PlannedAgain;

    /// <summary>
    /// Opens the store in <paramref name="schema"/> of the database behind <paramref name="dataSource"/>,
    /// creating or migrating its tables first. The data source stays the caller's to dispose.
    /// </summary>
    /// <exception cref="EventStoreUnavailableException">The database cannot be reached.</exception>
    public static async Task<PostgresEventStore> OpenAsync(NpgsqlDataSource dataSource, EventStoreOptions? options = null, string schema = DefaultSchema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return await OpenAsync(dataSource, ownsDataSource: false, options, schema, cancellationToken);
    }

    /// <summary>Opens the store with its own data source for <paramref name="connectionString"/> (disposed with the store).</summary>
    /// <exception cref="EventStoreUnavailableException">The database cannot be reached.</exception>
    public static async Task<PostgresEventStore> OpenAsync(string connectionString, EventStoreOptions? options = null, string schema = DefaultSchema, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            return await OpenAsync(dataSource, ownsDataSource: true, options, schema, cancellationToken);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    private static async Task<PostgresEventStore> OpenAsync(NpgsqlDataSource dataSource, bool ownsDataSource, EventStoreOptions? options, string schema, CancellationToken cancellationToken)
    {
        options ??= new EventStoreOptions();
        options.Validate();
        var names = new PostgresNames(schema);
        try
        {
            await PostgresMigrations.ApplyAsync(dataSource, names, cancellationToken);
        }
        catch (Exception e) when (IsUnavailable(e, null))
        {
            throw new EventStoreUnavailableException($"Cannot open the event store: PostgreSQL is unreachable ({e.Message}).", e, outcomeUnknown: false);
        }
        return new PostgresEventStore(dataSource, ownsDataSource, options, names);
    }

    /// <inheritdoc />
    public async Task<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default)
    {
        StreamId.Validate(streamId);
        return await QueryAsync(async () =>
        {
            await using var command = _dataSource.CreateCommand($"SELECT COALESCE(max(version), 0) FROM {_names.Events} WHERE stream_id = $1");
            command.Parameters.Add(new() { Value = streamId });
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        });
    }

    /// <inheritdoc />
    public async Task<long> GetHeadPositionAsync(CancellationToken cancellationToken = default) => await QueryAsync(async () =>
    {
        await using var command = _dataSource.CreateCommand($"SELECT position FROM {_names.Head}");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    });

    /// <summary>Finishes the queued appends, then closes connections (and the data source, when the store made it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _committer.DisposeAsync();
        await _listener.DisposeAsync();
        while (_writerConnections.TryTake(out var connection))
        {
            await connection.DisposeAsync();
        }
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync();
        }
    }

    /// <summary>
    /// Whether <paramref name="exception"/> means "the database is not there" (refused, restarting, connection
    /// broken) rather than "the database said no".
    /// </summary>
    internal static bool IsUnavailable(Exception exception, NpgsqlConnection? connection)
    {
        if (connection is not null && (connection.FullState & ConnectionState.Broken) != 0)
        {
            return true;
        }
        return exception switch
        {
            // Class 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect now.
            PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal),
            NpgsqlException => true,
            SocketException or IOException or TimeoutException => true,
            _ => exception.InnerException is { } inner && IsUnavailable(inner, null),
        };
    }

    private async Task<T> QueryAsync<T>(Func<Task<T>> query)
    {
        try
        {
            return await query();
        }
        catch (Exception e) when (IsUnavailable(e, null))
        {
            throw new EventStoreUnavailableException($"PostgreSQL is unreachable: {e.Message}", e, outcomeUnknown: false);
        }
    }
}
