using Microsoft.Data.Sqlite;

namespace RoboTracer.Fleet.EventStore.Sqlite;

/// <summary>
/// The SQLite schema as numbered migrations, applied at open inside one <c>BEGIN IMMEDIATE</c> transaction (the
/// database's write lock), so two processes opening the same new file apply each migration once.
/// Append new migrations; never edit old ones.
/// </summary>
internal static class SqliteMigrations
{
    private static readonly (int Version, string Name, string Sql)[] All =
    [
        (1, "events, head, blobs", """
            CREATE TABLE events (
                position        INTEGER NOT NULL PRIMARY KEY,
                stream_id       TEXT    NOT NULL,
                version         INTEGER NOT NULL,
                event_type      TEXT    NOT NULL,
                data            BLOB    NOT NULL,
                idempotency_key TEXT,
                recorded_at     INTEGER NOT NULL, -- microseconds since the Unix epoch, UTC
                UNIQUE (stream_id, version)
            );
            CREATE UNIQUE INDEX events_idempotency ON events (stream_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

            -- The last position ever assigned: positions come from here so dropped events never free one for reuse.
            CREATE TABLE head (
                id          INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
                position    INTEGER NOT NULL,
                recorded_at INTEGER NOT NULL
            );
            INSERT INTO head VALUES (1, 0, 0);

            CREATE TABLE blobs (
                hash      BLOB    NOT NULL PRIMARY KEY CHECK (length(hash) = 32),
                length    INTEGER NOT NULL,
                content   BLOB    NOT NULL,
                stored_at INTEGER NOT NULL
            );
            """),
    ];

    public static int LatestVersion => All[^1].Version;

    public static void Apply(SqliteConnection connection)
    {
        // WAL lets readers run beside the writer; it is a property of the file, so setting it once is enough,
        // and it cannot be changed inside a transaction.
        Execute(connection, null, "PRAGMA journal_mode = WAL;");
        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, transaction, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER NOT NULL PRIMARY KEY,
                name       TEXT    NOT NULL,
                applied_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            );
            """);
        var applied = new HashSet<long>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT version FROM schema_migrations";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                applied.Add(reader.GetInt64(0));
            }
        }
        if (applied.Count > 0 && applied.Max() > LatestVersion)
        {
            throw new EventStoreException($"The event store file {connection.DataSource} is at schema version {applied.Max()}, newer than this build knows ({LatestVersion}).");
        }
        foreach (var (version, name, sql) in All)
        {
            if (applied.Contains(version))
            {
                continue;
            }
            Execute(connection, transaction, sql);
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_migrations (version, name) VALUES ($version, $name)";
            record.Parameters.AddWithValue("$version", version);
            record.Parameters.AddWithValue("$name", name);
            record.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
