using Npgsql;
using NpgsqlTypes;
using RoboTracer.Fleet.EventStore.Retention;

namespace RoboTracer.Fleet.EventStore.Postgres;

public sealed partial class PostgresEventStore
{
    /// <inheritdoc />
    /// <remarks>
    /// Works in chunks of <see cref="RetentionPolicy.StreamsPerTransaction"/> streams, each in one transaction
    /// that holds the head row's lock: no append can commit between "its last event is terminal" and the DELETE
    /// (appends planned before find the head's token changed and plan again), so a stream that got a new event is
    /// never dropped. The archive is flushed to disk before the DELETE commits.
    /// </remarks>
    public async Task<RetentionResult> ApplyRetentionAsync(RetentionPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validate();
        var cutoff = _options.TimeProvider.GetUtcNow() - policy.MinimumAge;
        var terminal = policy.TerminalEventTypes.ToArray();
        var done = new List<string>();
        long archived = 0, dropped = 0;
        var after = "";
        while (true)
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (policy.Drop)
            {
                // The head's lock, as an appending batch takes it: appends wait, and batches planned before find the
                // head's token changed and plan again.
                await using var lockCommand = new NpgsqlCommand($"SELECT position FROM {_names.Head} FOR UPDATE", connection);
                await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            }
            var chunk = await FindFinishedStreamsAsync(connection, policy, terminal, cutoff, after, cancellationToken);
            if (chunk.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                break;
            }
            if (policy.Archive is { } archive)
            {
                await using (var read = new NpgsqlCommand($"SELECT {Columns} FROM {_names.Events} WHERE stream_id = ANY($1) ORDER BY stream_id, version", connection))
                {
                    read.Parameters.Add(new() { Value = chunk.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                    await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        RetentionArchive.Write(archive, ReadEvent(reader));
                        archived++;
                    }
                }
                await RetentionArchive.FlushDurablyAsync(archive, cancellationToken);
            }
            if (policy.Drop)
            {
                await using var delete = new NpgsqlCommand($"DELETE FROM {_names.Events} WHERE stream_id = ANY($1)", connection);
                delete.Parameters.Add(new() { Value = chunk.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                dropped += await delete.ExecuteNonQueryAsync(cancellationToken);
                // Writers' cached stream versions are stale now.
                await using var bump = new NpgsqlCommand($"UPDATE {_names.Head} SET token = $1", connection);
                bump.Parameters.Add(new() { Value = Random.Shared.NextInt64() });
                await bump.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            done.AddRange(chunk);
            after = chunk[^1];
        }
        return new RetentionResult(done, archived, dropped);
    }

    private async Task<List<string>> FindFinishedStreamsAsync(NpgsqlConnection connection, RetentionPolicy policy, string[] terminal, DateTimeOffset cutoff, string after, CancellationToken cancellationToken)
    {
        // The last event of each stream in the prefix range, then keep the finished and old ones. Keyset by
        // stream id, so an archive-only run (nothing deleted) still moves on.
        await using var command = new NpgsqlCommand($"""
            SELECT stream_id FROM (
                SELECT DISTINCT ON (stream_id) stream_id, event_type, recorded_at
                FROM {_names.Events}
                WHERE stream_id >= $1 AND stream_id < $2 AND stream_id > $3
                ORDER BY stream_id, version DESC
            ) AS last_event
            WHERE event_type = ANY($4) AND recorded_at <= $5
            ORDER BY stream_id
            LIMIT $6
            """, connection);
        command.Parameters.Add(new() { Value = policy.StreamPrefix });
        command.Parameters.Add(new() { Value = policy.StreamPrefix + StreamId.RangeEnd });
        command.Parameters.Add(new() { Value = after });
        command.Parameters.Add(new() { Value = terminal, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = cutoff });
        command.Parameters.Add(new() { Value = policy.StreamsPerTransaction });
        var streams = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            streams.Add(reader.GetString(0));
        }
        return streams;
    }
}
