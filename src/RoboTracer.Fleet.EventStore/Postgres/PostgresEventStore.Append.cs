using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;
using RoboTracer.Fleet.EventStore.GroupCommit;

namespace RoboTracer.Fleet.EventStore.Postgres;

public sealed partial class PostgresEventStore
{
    /// <summary>
    /// Batches in flight at once: while one commits, the next copies its rows and a third is being planned. Measured
    /// with <c>bench eventstore</c> (BENCHMARKS.md).
    /// </summary>
    private const int PipelineDepth = 3;

    // A batch in the pipeline waits at most this long for a lock (the head row, or a row another transaction is
    // inserting under the same key). Such waits normally last a commit; a longer one can be a wait that PostgreSQL
    // cannot see through (our batch waiting, in this process, for the batch before it, which waits for a lock the
    // other transaction holds), and the batch is better planned again.
    private const string PipelineLockTimeout = "1s";

    // A batch planned again holds the head row's lock from its first statement; it waits longer than pipelined
    // batches for the rows it needs (those give way to it), but not for ever: a wait PostgreSQL cannot see through
    // (say, on a batch of ours that waits in this process for this one) ends after this and the batch plans again.
    private const string PlannedAgainLockTimeout = "5s";

    // SQLSTATEs that mean "the plan did not hold; plan again": advance_head's "the head moved" (migration 2), a
    // unique index refusing a row (another writer took the key first), lock_timeout, and a deadlock.
    private static readonly HashSet<string> PlanAgainStates = ["RTH01", "23505", "55P03", "40P01"];

    // Writer connections, one per batch in flight.
    private readonly ConcurrentBag<NpgsqlConnection> _writerConnections = [];

    // The writers' knowledge of stream versions, valid while the head's token equals _cachedToken. Under load most
    // appends go to streams seen a moment ago, and trusting the cache saves an index probe per stream per batch
    // (a third of the writer's time when measured). Each committing batch writes a fresh random token, so a token
    // match means "no transaction but ours changed events since": another node, a retention run, or a batch of
    // ours that failed all leave a token we do not hold.
    // _predicted is the head the last planned batch will leave if every batch in flight commits as planned; the next
    // batch plans on it (and on the cache) without reading the head, commits only once the batch that will leave
    // it (_predictedBy: true when it committed as planned) did, and advance_head checks at its commit that the head
    // is indeed there. Null when unknown: at start and after any failure.
    // _inFlightKeys: the idempotency keys of the batches planned but not yet committed, which the table cannot show
    // yet. A retry planned on the predicted head finds its original here; each entry is removed once its batch
    // committed (the table has it from then on), all of them after any failure or when the cache starts again.
    // Each cached version carries the number of the batch that remembered it. The batches a cache holds commit in
    // the order they were planned (each behind the one before), so when it is full the versions of batches up to
    // _committedThrough can go: the table shows them. The versions of batches still in flight must stay.
    private readonly Lock _cacheLock = new();
    private readonly Dictionary<string, (long Version, long Batch)> _versionCache = new(StringComparer.Ordinal);
    private readonly Dictionary<(string StreamId, string Key), KeyedEvent> _inFlightKeys = [];
    private long _batchesPlanned;
    private long _committedThrough;
    private long? _cachedToken;
    private Head? _predicted;
    private Task<bool>? _predictedBy;

    // After a plan that did not hold, or any other failure, the writer stops pipelining for a while: every batch then
    // locks the head row first and plans on what the table says, one batch at a time, as the store did before
    // pipelining. Another node writing to the same schema makes plans fail all the time, and two pipelines would keep
    // taking each other's positions; one at a time, PostgreSQL's lock queue serves the nodes in turn. Timed on the
    // store's clock (EventStoreOptions.TimeProvider).
    private static readonly TimeSpan PipelinePause = TimeSpan.FromSeconds(2);
    private long _pipelinePausedUntil;

    private bool Pipelining => _options.TimeProvider.GetTimestamp() >= Interlocked.Read(ref _pipelinePausedUntil);

    private void PausePipelining()
    {
        var clock = _options.TimeProvider;
        Interlocked.Exchange(ref _pipelinePausedUntil, clock.GetTimestamp() + (long)(PipelinePause.TotalSeconds * clock.TimestampFrequency));
    }

    int IBatchWriter.MaxConcurrentBatches => Pipelining ? PipelineDepth : 1;

    /// <inheritdoc />
    public Task<AppendResult> AppendAsync(string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        var request = AppendRequest.Create(streamId, expectedVersion, events, _options);
        return _committer.AppendAsync(request, cancellationToken);
    }

    /// <summary>
    /// One batch, one transaction, three round trips: BEGIN + what the plan needs; binary COPY; advance the head +
    /// NOTIFY + COMMIT, sent once the previous batch settled. Called by the group-commit loop, up to
    /// <see cref="PipelineDepth"/> at a time.
    /// </summary>
    async Task<BatchPlan> IBatchWriter.WriteBatchAsync(IReadOnlyList<AppendRequest> batch, BatchTurn turn)
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
        // Whether this batch commits as planned, for the batch that plans on the head it leaves.
        var outcome = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            var (snapshot, basis, plannedBehind) = await ReadSnapshotAsync(connection, BatchKeys.Of(batch), turn.Fresh || !Pipelining);
            var plan = AppendPlanner.Plan(batch, snapshot, _options.TimeProvider.GetUtcNow());
            var after = plan.Rows.Count == 0 ? basis : new Head(plan.HeadPosition, plan.HeadTime, Random.Shared.NextInt64());
            var number = RememberPlan(plan, basis, after, plannedBehind is not null, outcome.Task);
            turn.Planned();
            if (plan.Rows.Count > 0)
            {
                await CopyRowsAsync(connection, plan.Rows);
            }
            if (plannedBehind is not null && !await plannedBehind)
            {
                throw new HeadMovedException("The batch it was planned behind did not commit as planned.");
            }
            if (plan.Rows.Count == 0)
            {
                // Nothing to write. The answers (retries found, versions refused) hold if the head is still where
                // the plan assumed.
                if (await ReadHeadAsync(connection) != basis)
                {
                    throw new HeadMovedException("The head moved while the batch was planned.");
                }
                await ExecuteAsync(connection, "ROLLBACK");
                _writerConnections.Add(connection);
                Committed(number, plan);
                outcome.TrySetResult(true);
                return plan;
            }
            committing = true;
            await using var commit = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new($"SELECT {_names.AdvanceHead}($1, $2, $3, $4, $5)")
                    {
                        Parameters =
                        {
                            new() { Value = basis.Position }, new() { Value = basis.Token },
                            new() { Value = after.Position }, new() { Value = after.Time }, new() { Value = after.Token },
                        },
                    },
                    // Queued now, delivered by PostgreSQL only when (and if) the transaction commits.
                    new($"NOTIFY {_names.Channel}"),
                    new("COMMIT"),
                },
            };
            await commit.ExecuteNonQueryAsync();
            _writerConnections.Add(connection);
            Committed(number, plan);
            outcome.TrySetResult(true);
            return plan;
        }
        catch (Exception e) when (e is HeadMovedException || (e is PostgresException p && PlanAgainStates.Contains(p.SqlState)))
        {
            // Planned on a head or on versions that did not hold (a batch before it failed, another node or a
            // retention run wrote): nothing was written; the committer plans the batch again.
            outcome.TrySetResult(false);
            PausePipelining();
            ForgetVersions();
            await RollBackAsync(connection);
            throw e as HeadMovedException ?? new HeadMovedException($"The batch was planned on a head that moved: {e.Message}");
        }
        catch (Exception e) when (IsUnavailable(e, connection))
        {
            // Even when the commit's outcome is unknown: the batches planned behind it plan again on the table's head.
            outcome.TrySetResult(false);
            PausePipelining();
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
            outcome.TrySetResult(false);
            PausePipelining();
            ForgetVersions();
            // The database refused something: the transaction is aborted.
            await RollBackAsync(connection);
            throw;
        }
    }

    /// <summary>Rolls the connection's transaction back so it is usable again, or drops the connection if even that fails.</summary>
    private async Task RollBackAsync(NpgsqlConnection connection)
    {
        try
        {
            await ExecuteAsync(connection, "ROLLBACK");
            _writerConnections.Add(connection);
        }
        catch (Exception)
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>The head row: the last position assigned, its time, and the token of the transaction that wrote it.</summary>
    private readonly record struct Head(long Position, DateTimeOffset Time, long Token);

    private string HeadSql => $"SELECT position, recorded_at, token FROM {_names.Head}";

    private async Task<Head> ReadHeadAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(HeadSql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new Head(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt64(2));
    }

    /// <summary>
    /// Opens the batch's transaction and reads what its plan needs: the head it plans on (the predicted one, or
    /// the table's when there is none, locked when <paramref name="fresh"/>), the version of every stream the cache
    /// does not know, and the events already recorded under the batch's idempotency keys.
    /// </summary>
    /// <remarks>
    /// What the cache says is copied in one look, together with the predicted head it goes with: a batch planned again
    /// beside this one may replace the cache meanwhile.
    /// </remarks>
    /// <returns>Also the outcome of the batch that will leave the predicted head, when the plan is made on one.</returns>
    private async Task<(BatchSnapshot Snapshot, Head Basis, Task<bool>? PlannedBehind)> ReadSnapshotAsync(NpgsqlConnection connection, BatchKeys keys, bool fresh)
    {
        Head? predicted;
        Task<bool>? plannedBehind;
        long? cachedAt;
        var cached = new Dictionary<string, long>(StringComparer.Ordinal);
        var inFlight = new List<((string StreamId, string Key) Key, KeyedEvent Recorded)>();
        lock (_cacheLock)
        {
            predicted = fresh ? null : _predicted;
            plannedBehind = predicted is null ? null : _predictedBy;
            cachedAt = _cachedToken;
            if (cachedAt is not null)
            {
                foreach (var stream in keys.Streams)
                {
                    if (_versionCache.TryGetValue(stream, out var known))
                    {
                        cached[stream] = known.Version;
                    }
                }
            }
            if (predicted is not null)
            {
                foreach (var key in keys.Keys)
                {
                    if (_inFlightKeys.TryGetValue(key, out var recorded))
                    {
                        inFlight.Add((key, recorded));
                    }
                }
            }
        }
        var uncached = keys.Streams.Where(s => !cached.ContainsKey(s)).ToList();
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { new("BEGIN") } };
        if (!fresh)
        {
            batch.BatchCommands.Add(new($"SET LOCAL lock_timeout = '{PipelineLockTimeout}'"));
        }
        if (predicted is null)
        {
            // Planned again: take the head row's lock first (held to COMMIT), so that another node's pipeline cannot
            // win the head every time. A batch of theirs whose rows this one waits for is in its pipeline, which
            // waits at most lock_timeout for this lock, fails, and lets go of those rows.
            batch.BatchCommands.Add(new(fresh ? HeadSql + " FOR UPDATE" : HeadSql));
            if (fresh)
            {
                batch.BatchCommands.Add(new($"SET LOCAL lock_timeout = '{PlannedAgainLockTimeout}'"));
            }
        }
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

        Head basis;
        BatchSnapshot snapshot;
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            // Result sets in the order asked: the head when read, then the versions and the keys when asked.
            if (predicted is { } known)
            {
                basis = known;
            }
            else
            {
                await reader.ReadAsync();
                basis = new Head(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt64(2));
                await reader.NextResultAsync();
            }
            snapshot = new BatchSnapshot(basis.Position, basis.Time);
            if (uncached.Count > 0)
            {
                while (await reader.ReadAsync())
                {
                    snapshot.StreamVersions[reader.GetString(0)] = reader.GetInt64(1);
                }
                await reader.NextResultAsync();
            }
            if (keys.Keys.Count > 0)
            {
                while (await reader.ReadAsync())
                {
                    snapshot.RecordedKeys[(reader.GetString(0), reader.GetString(1))] = new KeyedEvent(reader.GetInt64(2), reader.GetInt64(3));
                }
            }
        }
        foreach (var (key, recorded) in inFlight)
        {
            snapshot.RecordedKeys[key] = recorded;
        }

        if (cached.Count == 0)
        {
            return (snapshot, basis, plannedBehind);
        }
        // On a predicted head the cache holds the versions of the batches in flight (advance_head checks the
        // prediction at commit); on a head read from the table, only if no one else wrote since we cached.
        if (predicted is not null || cachedAt == basis.Token)
        {
            foreach (var (stream, version) in cached)
            {
                snapshot.StreamVersions[stream] = version;
            }
            return (snapshot, basis, plannedBehind);
        }
        ForgetVersions();
        var rest = cached.Keys.ToList();
        await using (var command = new NpgsqlCommand(VersionsSql, connection) { Parameters = { TextArray(rest) } })
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                snapshot.StreamVersions[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        return (snapshot, basis, plannedBehind);
    }

    /// <summary>Each stream's version: one index probe per stream (the version index read backwards), however long the stream.</summary>
    private string VersionsSql => $"""
        SELECT s.id, COALESCE((SELECT e.version FROM {_names.Events} e WHERE e.stream_id = s.id ORDER BY e.version DESC LIMIT 1), 0)
        FROM unnest($1::text[]) AS s(id)
        """;

    private static NpgsqlParameter TextArray(IEnumerable<string> values) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    /// <summary>
    /// After a batch planned on <paramref name="basis"/> that leaves the head at <paramref name="after"/>: the cache,
    /// if it was valid at the basis, plus the batch's versions is valid at <paramref name="after"/>, and the next
    /// batch may plan on it, committing once <paramref name="outcome"/> says this batch committed as planned. When the
    /// cache was not valid at a basis read from the table, it starts again from the batch's versions; when it is full,
    /// the versions of committed batches make room; when it cannot hold what the batches in flight will leave (full of
    /// them, or replaced under a batch planned on a prediction), nothing is predicted and pipelining pauses.
    /// </summary>
    /// <returns>The batch's number, for <see cref="Committed"/>; 0 when nothing was remembered.</returns>
    private long RememberPlan(BatchPlan plan, Head basis, Head after, bool plannedOnPrediction, Task<bool> outcome)
    {
        lock (_cacheLock)
        {
            var cacheHolds = _cachedToken == basis.Token;
            if (cacheHolds && _versionCache.Count + plan.StreamVersions.Count > _options.MaxCachedStreams)
            {
                foreach (var (stream, known) in _versionCache)
                {
                    if (known.Batch <= _committedThrough)
                    {
                        _versionCache.Remove(stream);
                    }
                }
            }
            if (cacheHolds ? _versionCache.Count + plan.StreamVersions.Count > _options.MaxCachedStreams : plannedOnPrediction)
            {
                // The cache no longer holds every version the batches in flight will leave: it is full of them, or it
                // was replaced since this batch was planned. Predict nothing; the next batch waits for these to
                // settle and plans on the table.
                ForgetVersionsLocked();
                PausePipelining();
                return 0;
            }
            if (!cacheHolds)
            {
                // Planned on the table's head, and someone else wrote since we cached: start again from this batch.
                // Keys still in flight belong to batches this one competes with for the head (a batch planned again
                // beside them): at most one side commits, so none of them may answer a retry planned behind this one.
                _versionCache.Clear();
                _inFlightKeys.Clear();
                if (_cachedToken is not null)
                {
                    // Another node (or a retention run) wrote since our last batch. While it keeps writing, stay one
                    // batch at a time: a pipeline resumed beside it takes its positions, and the two transactions then
                    // wait on each other until PostgreSQL's deadlock check (1 s) or lock_timeout ends one (bench fleet
                    // --silos 2: p99 per step 2–4 s with the pause renewed only by failures, see BENCHMARKS.md).
                    PausePipelining();
                }
            }
            var number = ++_batchesPlanned;
            foreach (var (stream, version) in plan.StreamVersions)
            {
                _versionCache[stream] = (version, number);
            }
            foreach (var row in plan.Rows)
            {
                if (row.IdempotencyKey is { } key)
                {
                    _inFlightKeys[(row.StreamId, key)] = new KeyedEvent(row.Version, row.Position);
                }
            }
            _cachedToken = after.Token;
            _predicted = after;
            _predictedBy = outcome;
            return number;
        }
    }

    /// <summary>
    /// The batch <paramref name="number"/> committed as planned (so did every batch remembered before it that it was
    /// planned behind): the table shows its versions and idempotency keys from now on.
    /// </summary>
    private void Committed(long number, BatchPlan plan)
    {
        lock (_cacheLock)
        {
            _committedThrough = Math.Max(_committedThrough, number);
            foreach (var row in plan.Rows)
            {
                if (row.IdempotencyKey is { } key && _inFlightKeys.TryGetValue((row.StreamId, key), out var recorded) && recorded.Position == row.Position)
                {
                    _inFlightKeys.Remove((row.StreamId, key));
                }
            }
        }
    }

    private void ForgetVersions()
    {
        lock (_cacheLock)
        {
            ForgetVersionsLocked();
        }
    }

    private void ForgetVersionsLocked()
    {
        _versionCache.Clear();
        _inFlightKeys.Clear();
        _cachedToken = null;
        _predicted = null;
        _predictedBy = null;
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
