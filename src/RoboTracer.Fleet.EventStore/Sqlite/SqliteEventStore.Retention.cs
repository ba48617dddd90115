using System.Text.Json;
using Microsoft.Data.Sqlite;
using RoboTracer.Fleet.EventStore.Retention;

namespace RoboTracer.Fleet.EventStore.Sqlite;

public sealed partial class SqliteEventStore
{
    /// <inheritdoc />
    /// <remarks>
    /// Chunks of <see cref="RetentionPolicy.StreamsPerTransaction"/> streams, each in one <c>BEGIN IMMEDIATE</c>
    /// transaction: the write lock keeps appends out between "its last event is terminal" and the DELETE. The
    /// archive is flushed to disk before the DELETE commits.
    /// </remarks>
    public async Task<RetentionResult> ApplyRetentionAsync(RetentionPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validate();
        var cutoff = ToMicroseconds(_options.TimeProvider.GetUtcNow() - policy.MinimumAge);
        var terminal = JsonSerializer.Serialize(policy.TerminalEventTypes.ToArray(), RetentionJsonContext.Default.StringArray);
        var done = new List<string>();
        long archived = 0, dropped = 0;
        var after = "";
        using var connection = OpenWriteConnection();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var transaction = connection.BeginTransaction(deferred: !policy.Drop);
            var chunk = FindFinishedStreams(connection, transaction, policy, terminal, cutoff, after);
            if (chunk.Count == 0)
            {
                transaction.Commit();
                break;
            }
            var ids = JsonSerializer.Serialize(chunk.ToArray(), RetentionJsonContext.Default.StringArray);
            if (policy.Archive is { } archive)
            {
                using (var read = connection.CreateCommand())
                {
                    read.Transaction = transaction;
                    read.CommandText = $"SELECT {Columns} FROM events WHERE stream_id IN (SELECT value FROM json_each($ids)) ORDER BY stream_id, version";
                    read.Parameters.AddWithValue("$ids", ids);
                    using var reader = read.ExecuteReader();
                    while (reader.Read())
                    {
                        RetentionArchive.Write(archive, ReadEvent(reader));
                        archived++;
                    }
                }
                await RetentionArchive.FlushDurablyAsync(archive, cancellationToken);
            }
            if (policy.Drop)
            {
                using var delete = connection.CreateCommand();
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM events WHERE stream_id IN (SELECT value FROM json_each($ids))";
                delete.Parameters.AddWithValue("$ids", ids);
                dropped += delete.ExecuteNonQuery();
            }
            transaction.Commit();
            done.AddRange(chunk);
            after = chunk[^1];
        }
        return new RetentionResult(done, archived, dropped);
    }

    private static List<string> FindFinishedStreams(SqliteConnection connection, SqliteTransaction transaction, RetentionPolicy policy, string terminal, long cutoff, string after)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // Each stream's last event (by the version index), kept when terminal and old; keyset by stream id.
        command.CommandText = """
            SELECT e.stream_id FROM events e
            WHERE e.stream_id >= $low AND e.stream_id < $high AND e.stream_id > $after
              AND e.version = (SELECT max(x.version) FROM events x WHERE x.stream_id = e.stream_id)
              AND e.event_type IN (SELECT value FROM json_each($terminal))
              AND e.recorded_at <= $cutoff
            ORDER BY e.stream_id
            LIMIT $limit
            """;
        command.Parameters.AddWithValue("$low", policy.StreamPrefix);
        command.Parameters.AddWithValue("$high", policy.StreamPrefix + StreamId.RangeEnd);
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$terminal", terminal);
        command.Parameters.AddWithValue("$cutoff", cutoff);
        command.Parameters.AddWithValue("$limit", policy.StreamsPerTransaction);
        var streams = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            streams.Add(reader.GetString(0));
        }
        return streams;
    }
}
