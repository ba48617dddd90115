using Microsoft.Data.Sqlite;
using RoboTracer.Fleet.EventStore.GroupCommit;

namespace RoboTracer.Fleet.EventStore.Sqlite;

public sealed partial class SqliteEventStore
{
    // SQLite result codes that mean "could not get at the file" rather than "refused the data".
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;

    /// <inheritdoc />
    public Task<AppendResult> AppendAsync(string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        var request = AppendRequest.Create(streamId, expectedVersion, events, _options);
        return _committer.AppendAsync(request, cancellationToken);
    }

    /// <summary>One batch in one <c>BEGIN IMMEDIATE</c> transaction on the writer connection (group-commit loop only).</summary>
    // One writer connection, and SQLite's write lock is taken by BEGIN IMMEDIATE in the client: no overlap to win.
    int IBatchWriter.MaxConcurrentBatches => 1;

    Task<BatchPlan> IBatchWriter.WriteBatchAsync(IReadOnlyList<AppendRequest> batch, BatchTurn turn)
    {
        var committing = false;
        try
        {
            using var transaction = _writer.BeginTransaction(deferred: false);
            var snapshot = ReadSnapshot(transaction, BatchKeys.Of(batch));
            var plan = AppendPlanner.Plan(batch, snapshot, _options.TimeProvider.GetUtcNow());
            turn.Planned();
            if (plan.Rows.Count == 0)
            {
                transaction.Rollback();
                return Task.FromResult(plan);
            }
            InsertRows(transaction, plan);
            committing = true;
            transaction.Commit();
            return Task.FromResult(plan);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteBusy or SqliteLocked or SqliteIoError or SqliteFull or SqliteCantOpen)
        {
            throw new EventStoreUnavailableException(
                committing
                    ? $"SQLite failed during the commit; the append may or may not be recorded (retry with the same idempotency keys to find out): {e.Message}"
                    : $"SQLite could not write; nothing was written: {e.Message}",
                e,
                outcomeUnknown: committing);
        }
    }

    private BatchSnapshot ReadSnapshot(SqliteTransaction transaction, BatchKeys keys)
    {
        BatchSnapshot snapshot;
        using (var head = Command(transaction, "SELECT position, recorded_at FROM head"))
        using (var reader = head.ExecuteReader())
        {
            reader.Read();
            snapshot = new BatchSnapshot(reader.GetInt64(0), FromMicroseconds(reader.GetInt64(1)));
        }
        using (var version = Command(transaction, "SELECT COALESCE(max(version), 0) FROM events WHERE stream_id = $stream"))
        {
            var stream = version.Parameters.Add("$stream", SqliteType.Text);
            foreach (var id in keys.Streams)
            {
                stream.Value = id;
                snapshot.StreamVersions[id] = (long)version.ExecuteScalar()!;
            }
        }
        if (keys.Keys.Count > 0)
        {
            using var key = Command(transaction, "SELECT version, position FROM events WHERE stream_id = $stream AND idempotency_key = $key");
            var stream = key.Parameters.Add("$stream", SqliteType.Text);
            var value = key.Parameters.Add("$key", SqliteType.Text);
            foreach (var (id, k) in keys.Keys)
            {
                stream.Value = id;
                value.Value = k;
                using var reader = key.ExecuteReader();
                if (reader.Read())
                {
                    snapshot.RecordedKeys[(id, k)] = new KeyedEvent(reader.GetInt64(0), reader.GetInt64(1));
                }
            }
        }
        return snapshot;
    }

    private void InsertRows(SqliteTransaction transaction, BatchPlan plan)
    {
        using var insert = Command(transaction, """
            INSERT INTO events (position, stream_id, version, event_type, data, idempotency_key, recorded_at)
            VALUES ($position, $stream, $version, $type, $data, $key, $at)
            """);
        var position = insert.Parameters.Add("$position", SqliteType.Integer);
        var stream = insert.Parameters.Add("$stream", SqliteType.Text);
        var version = insert.Parameters.Add("$version", SqliteType.Integer);
        var type = insert.Parameters.Add("$type", SqliteType.Text);
        var data = insert.Parameters.Add("$data", SqliteType.Blob);
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var at = insert.Parameters.Add("$at", SqliteType.Integer);
        insert.Prepare();
        foreach (var row in plan.Rows)
        {
            position.Value = row.Position;
            stream.Value = row.StreamId;
            version.Value = row.Version;
            type.Value = row.EventType;
            data.Value = row.Data.ToArray();
            key.Value = (object?)row.IdempotencyKey ?? DBNull.Value;
            at.Value = ToMicroseconds(row.RecordedAt);
            insert.ExecuteNonQuery();
        }
        using var head = Command(transaction, "UPDATE head SET position = $position, recorded_at = $at");
        head.Parameters.AddWithValue("$position", plan.HeadPosition);
        head.Parameters.AddWithValue("$at", ToMicroseconds(plan.HeadTime));
        head.ExecuteNonQuery();
    }

    private SqliteCommand Command(SqliteTransaction transaction, string sql)
    {
        var command = _writer.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
