namespace RoboTracer.Fleet.EventStore.Sqlite;

public sealed partial class SqliteEventStore
{
    /// <inheritdoc />
    public Task<BlobHash> PutBlobAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        if (content.Length > _options.MaxBlobBytes)
        {
            throw new BlobTooLargeException(content.Length, _options.MaxBlobBytes);
        }
        cancellationToken.ThrowIfCancellationRequested();
        var hash = BlobHash.Compute(content.Span);
        var key = hash.Bytes.ToArray();
        using (var reader = OpenReadConnection())
        using (var exists = reader.CreateCommand())
        {
            exists.CommandText = "SELECT 1 FROM blobs WHERE hash = $hash";
            exists.Parameters.AddWithValue("$hash", key);
            if (exists.ExecuteScalar() is not null)
            {
                return Task.FromResult(hash);
            }
        }
        using var connection = OpenWriteConnection();
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT OR IGNORE INTO blobs (hash, length, content, stored_at) VALUES ($hash, $length, $content, $at)";
        insert.Parameters.AddWithValue("$hash", key);
        insert.Parameters.AddWithValue("$length", content.Length);
        insert.Parameters.AddWithValue("$content", content.ToArray());
        insert.Parameters.AddWithValue("$at", ToMicroseconds(_options.TimeProvider.GetUtcNow()));
        insert.ExecuteNonQuery();
        return Task.FromResult(hash);
    }

    /// <inheritdoc />
    public Task<byte[]?> GetBlobAsync(BlobHash hash, CancellationToken cancellationToken = default)
    {
        if (hash.Bytes.Length != BlobHash.Length)
        {
            throw new ArgumentException("The blob hash is empty (default).", nameof(hash));
        }
        using var connection = OpenReadConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT content FROM blobs WHERE hash = $hash";
        command.Parameters.AddWithValue("$hash", hash.Bytes.ToArray());
        var content = command.ExecuteScalar() as byte[];
        if (content is not null && !hash.Matches(content))
        {
            throw new EventStoreException($"Blob {hash} is corrupt: its stored content no longer hashes to its address.");
        }
        return Task.FromResult(content);
    }
}
