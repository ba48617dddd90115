using NpgsqlTypes;

namespace RoboTracer.Fleet.EventStore.Postgres;

public sealed partial class PostgresEventStore
{
    /// <inheritdoc />
    public async Task<BlobHash> PutBlobAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        if (content.Length > _options.MaxBlobBytes)
        {
            throw new BlobTooLargeException(content.Length, _options.MaxBlobBytes);
        }
        var hash = BlobHash.Compute(content.Span);
        var key = hash.Bytes.ToArray();
        return await QueryAsync(async () =>
        {
            // Ask first: the same camera frame is often referenced again, and a no-op should not upload megabytes.
            await using (var exists = _dataSource.CreateCommand($"SELECT 1 FROM {_names.Blobs} WHERE hash = $1"))
            {
                exists.Parameters.Add(new() { Value = key, NpgsqlDbType = NpgsqlDbType.Bytea });
                if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
                {
                    return hash;
                }
            }
            await using var insert = _dataSource.CreateCommand(
                $"INSERT INTO {_names.Blobs} (hash, length, content, stored_at) VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING");
            insert.Parameters.Add(new() { Value = key, NpgsqlDbType = NpgsqlDbType.Bytea });
            insert.Parameters.Add(new() { Value = (long)content.Length });
            insert.Parameters.Add(new() { Value = content, NpgsqlDbType = NpgsqlDbType.Bytea });
            insert.Parameters.Add(new() { Value = _options.TimeProvider.GetUtcNow() });
            await insert.ExecuteNonQueryAsync(cancellationToken);
            return hash;
        });
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetBlobAsync(BlobHash hash, CancellationToken cancellationToken = default)
    {
        if (hash.Bytes.Length != BlobHash.Length)
        {
            throw new ArgumentException("The blob hash is empty (default).", nameof(hash));
        }
        var content = await QueryAsync(async () =>
        {
            await using var command = _dataSource.CreateCommand($"SELECT content FROM {_names.Blobs} WHERE hash = $1");
            command.Parameters.Add(new() { Value = hash.Bytes.ToArray(), NpgsqlDbType = NpgsqlDbType.Bytea });
            return await command.ExecuteScalarAsync(cancellationToken) as byte[];
        });
        if (content is not null && !hash.Matches(content))
        {
            throw new EventStoreException($"Blob {hash} is corrupt: its stored content no longer hashes to its address.");
        }
        return content;
    }
}
