using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;
using RoboTracer.Fleet.EventStore.GroupCommit;

namespace RoboTracer.Fleet.EventStore.Postgres;

public sealed partial class PostgresEventStore
{
    private const int MaxCachedStreams = 100_000;

    // Writer connections: at most two batches are in flight (one committing, the next waiting for the lock).
    private readonly ConcurrentBag<NpgsqlConnection> _writerConnections = [];

    // The writers' knowledge of stream versions, valid while the head's token equals _cachedToken. Under load most
    // appends go to streams seen a moment ago, and trusting the cache saves an index probe per stream per batch
    // (a third of the writer's time when measured). Each committing batch writes a fresh random token, so a token
    // match means "no transaction but ours changed events since": another node, a retention run, or a batch of
    // ours that failed all leave a token we do not hold.
    private readonly Lock _cacheLock = new();
    private readonly Dictionary<string, long> _versionCache = new(StringComparer.Ordinal);
    private long? _cachedToken;

    int IBatchWriter.MaxConcurrentBatches => 2;

    /// <inheritdoc />
    public Task<AppendResult> AppendAsync(string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        var request = AppendRequest.Create(streamId, expectedVersion, events, _options);
        return _committer.AppendAsync(request, cancellationToken);
    }

    /// <summary>
    /// One batch, one transaction, four round trips: BEGIN + lock + snapshot; binary COPY (start, then rows and
    /// end); head update + NOTIFY + COMMIT. Called by the group-commit loop, at most twice at a time.
    /// </summary>
    async Task<BatchPlan> IBatchWriter.WriteBatchAsync(IReadOnlyList<AppendRequest> batch, Action onCommitting)
    {
        NpgsqlConnection connection;
        try
        {
            connection = _writerConnections.TryTake(out var idle) ? idle : await _dataSource.OpenConnectionAsync();
        }
        catch (Exception e) when (IsUnavailable(e, null))
        {
            throw new EventStoreUnavailableException($"PostgreSQL is unreachable; nothing was written: {e.Message}", e, outcomeUnknown: false);
        }

        var committing = false;
        try
        {
            var (snapshot, token) = await ReadSnapshotAsync(connection, BatchKeys.Of(batch));
            var plan = AppendPlanner.Plan(batch, snapshot, _options.TimeProvider.GetUtcNow());
            if (plan.Rows.Count == 0)
            {
                await ExecuteAsync(connection, "ROLLBACK");
                RememberVersions(plan, token, token);
                _writerConnections.Add(connection);
                return plan;
            }
            await CopyRowsAsync(connection, plan.Rows);
            var newToken = Random.Shared.NextInt64();
            // Remember before the commit is known: the batch that waits for our lock reads the head right after
            // we commit and should find the cache already matching. If we fail, the token never reaches the head.
            RememberVersions(plan, token, newToken);
            committing = true;
            await using var commit = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new($"UPDATE {_names.Head} SET position = $1, recorded_at = $2, token = $3")
                    {
                        Parameters = { new() { Value = plan.HeadPosition }, new() { Value = plan.HeadTime }, new() { Value = newToken } },
                    },
                    // Queued now, delivered by PostgreSQL only when (and if) the transaction commits.
                    new($"NOTIFY {_names.Channel}"),
                    new("COMMIT"),
                },
            };
            var executing = commit.ExecuteNonQueryAsync();
            onCommitting();
            await executing;
            _writerConnections.Add(connection);
            return plan;
        }
        catch (Exception e) when (IsUnavailable(e, connection))
        {
            ForgetVersions();
            await connection.DisposeAsync();
            // After a restart every pooled connection is dead too; do not let readers trip over them one by one.
            _dataSource.Clear();
            throw committing
                ? new EventStoreUnavailableException($"The connection to PostgreSQL broke during the commit; the append may or may not be recorded (retry with the same idempotency keys to find out): {e.Message}", e, outcomeUnknown: true)
                : new EventStoreUnavailableException($"The connection to PostgreSQL broke before the commit; nothing was written: {e.Message}", e, outcomeUnknown: false);
        }
        catch
        {
            ForgetVersions();
            // The database refused something: the transaction is aborted. Roll it back so the connection is
            // usable again, or drop the connection if even that fails.
            try
            {
                await ExecuteAsync(connection, "ROLLBACK");
                _writerConnections.Add(connection);
            }
            catch (Exception)
            {
                await connection.DisposeAsync();
            }
            throw;
        }
    }

    private async Task<(BatchSnapshot Snapshot, long Token)> ReadSnapshotAsync(NpgsqlConnection connection, BatchKeys keys)
    {
        // Optimistically ask only for the streams the cache does not know; if the head's token shows that someone
        // else changed events since, ask again for the rest (still under the lock, in the same transaction).
        List<string> uncached;
        lock (_cacheLock)
        {
            uncached = _cachedToken is null ? [.. keys.Streams] : keys.Streams.Where(s => !_versionCache.ContainsKey(s)).ToList();
        }
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("BEGIN"),
                // Everything below runs with the append lock held until COMMIT: see the class remarks.
                new($"SELECT {_names.AppendLock}"),
                new($"SELECT position, recorded_at, token FROM {_names.Head}"),
            },
        };
        if (uncached.Count > 0)
        {
            batch.BatchCommands.Add(new(VersionsSql) { Parameters = { TextArray(uncached) } });
        }
        if (keys.Keys.Count > 0)
        {
            batch.BatchCommands.Add(new($"""
                SELECT e.stream_id, e.idempotency_key, e.version, e.position
                FROM unnest($1::text[], $2::text[]) AS k(stream_id, idempotency_key)
                JOIN {_names.Events} e ON e.stream_id = k.stream_id AND e.idempotency_key = k.idempotency_key
                WHERE e.idempotency_key IS NOT NULL
                """)
            {
                Parameters = { TextArray(keys.Keys.Select(k => k.StreamId)), TextArray(keys.Keys.Select(k => k.Key)) },
            });
        }

        BatchSnapshot snapshot;
        long token;
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            // Result sets: the lock's (one void row), the head, then the versions and the keys when asked.
            await reader.NextResultAsync();
            await reader.ReadAsync();
            snapshot = new BatchSnapshot(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1));
            token = reader.GetInt64(2);
            if (uncached.Count > 0)
            {
                await reader.NextResultAsync();
                while (await reader.ReadAsync())
                {
                    snapshot.StreamVersions[reader.GetString(0)] = reader.GetInt64(1);
                }
            }
            if (keys.Keys.Count > 0)
            {
                await reader.NextResultAsync();
                while (await reader.ReadAsync())
                {
                    snapshot.RecordedKeys[(reader.GetString(0), reader.GetString(1))] = new KeyedEvent(reader.GetInt64(2), reader.GetInt64(3));
                }
            }
        }

        var rest = keys.Streams.Where(s => !snapshot.StreamVersions.ContainsKey(s)).ToList();
        if (rest.Count == 0)
        {
            return (snapshot, token);
        }
        lock (_cacheLock)
        {
            if (_cachedToken == token && rest.All(_versionCache.ContainsKey))
            {
                foreach (var stream in rest)
                {
                    snapshot.StreamVersions[stream] = _versionCache[stream];
                }
                return (snapshot, token);
            }
        }
        ForgetVersions();
        await using (var command = new NpgsqlCommand(VersionsSql, connection) { Parameters = { TextArray(rest) } })
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                snapshot.StreamVersions[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        return (snapshot, token);
    }

    /// <summary>Each stream's version: one index probe per stream (the version index read backwards), however long the stream.</summary>
    private string VersionsSql => $"""
        SELECT s.id, COALESCE((SELECT e.version FROM {_names.Events} e WHERE e.stream_id = s.id ORDER BY e.version DESC LIMIT 1), 0)
        FROM unnest($1::text[]) AS s(id)
        """;

    private static NpgsqlParameter TextArray(IEnumerable<string> values) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    /// <summary>
    /// After a batch planned at head token <paramref name="from"/> that leaves the head at <paramref name="to"/>:
    /// the cache, if it was valid at <paramref name="from"/>, plus the batch's versions is valid at <paramref name="to"/>;
    /// otherwise only the batch's versions (read under the lock) are known.
    /// </summary>
    private void RememberVersions(BatchPlan plan, long from, long to)
    {
        lock (_cacheLock)
        {
            if (_cachedToken != from || _versionCache.Count + plan.StreamVersions.Count > MaxCachedStreams)
            {
                _versionCache.Clear();
            }
            foreach (var (stream, version) in plan.StreamVersions)
            {
                _versionCache[stream] = version;
            }
            _cachedToken = to;
        }
    }

    private void ForgetVersions()
    {
        lock (_cacheLock)
        {
            _versionCache.Clear();
            _cachedToken = null;
        }
    }

    private async Task CopyRowsAsync(NpgsqlConnection connection, List<RecordedEvent> rows)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {_names.Events} (position, stream_id, version, event_type, data, idempotency_key, recorded_at) FROM STDIN (FORMAT BINARY)");
        foreach (var row in rows)
        {
            await importer.StartRowAsync();
            await importer.WriteAsync(row.Position, NpgsqlDbType.Bigint);
            await importer.WriteAsync(row.StreamId, NpgsqlDbType.Text);
            await importer.WriteAsync(row.Version, NpgsqlDbType.Bigint);
            await importer.WriteAsync(row.EventType, NpgsqlDbType.Text);
            await importer.WriteAsync(row.Data, NpgsqlDbType.Jsonb);
            if (row.IdempotencyKey is null)
            {
                await importer.WriteNullAsync();
            }
            else
            {
                await importer.WriteAsync(row.IdempotencyKey, NpgsqlDbType.Text);
            }
            await importer.WriteAsync(row.RecordedAt, NpgsqlDbType.TimestampTz);
        }
        await importer.CompleteAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
