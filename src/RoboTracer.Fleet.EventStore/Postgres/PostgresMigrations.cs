using Npgsql;

namespace RoboTracer.Fleet.EventStore.Postgres;

/// <summary>
/// The schema as numbered migrations, applied at start. Each applied version is a row of
/// <c>schema_migrations</c>; the whole run holds an advisory lock, so starters racing on an empty database apply
/// each migration exactly once and the losers find the work done. Append new migrations; never edit old ones.
/// </summary>
internal static class PostgresMigrations
{
    private static IReadOnlyList<(int Version, string Name, string Sql)> All(PostgresNames n) =>
    [
        (1, "events, head, blobs", $"""
            CREATE TABLE {n.Events} (
                position        bigint      NOT NULL PRIMARY KEY,
                -- "C": byte order, so that prefix ranges over stream ids are exact and use the index.
                stream_id       text        COLLATE "C" NOT NULL,
                version         bigint      NOT NULL,
                event_type      text        NOT NULL,
                data            jsonb       NOT NULL,
                idempotency_key text        COLLATE "C",
                recorded_at     timestamptz NOT NULL,
                CONSTRAINT events_stream_version UNIQUE (stream_id, version)
            );
            CREATE UNIQUE INDEX events_idempotency ON {n.Events} (stream_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

            -- The last position ever assigned, and its time. Positions come from here, not from max(position),
            -- so that retention dropping the newest events can never make a position be handed out twice.
            -- token: a random number written by every transaction that changes events (appends and retention); a
            -- writer that cached stream versions when it wrote token T may trust them while the head still says T.
            CREATE TABLE {n.Head} (
                id          int         NOT NULL PRIMARY KEY CHECK (id = 1),
                position    bigint      NOT NULL,
                recorded_at timestamptz NOT NULL,
                token       bigint      NOT NULL
            );
            INSERT INTO {n.Head} VALUES (1, 0, 'epoch', 0);

            CREATE TABLE {n.Blobs} (
                hash      bytea       NOT NULL PRIMARY KEY CHECK (length(hash) = 32),
                length    bigint      NOT NULL,
                content   bytea       NOT NULL,
                stored_at timestamptz NOT NULL
            );
            -- Images and depth buffers arrive compressed (PNG): do not spend CPU on compressing them again.
            ALTER TABLE {n.Blobs} ALTER COLUMN content SET STORAGE EXTERNAL;
            """),
        (2, "advance_head", $"""
            -- Appending transactions move the head with this as their last statement before COMMIT: it takes the head
            -- row's lock and checks that the head is still where the transaction planned from (no one else appended
            -- or dropped events since), so commits happen in position order. Fails with RTH01 otherwise, which
            -- aborts the transaction: nothing of it is written, and the writer plans again.
            CREATE FUNCTION {n.AdvanceHead}(expected_position bigint, expected_token bigint, new_position bigint, new_recorded_at timestamptz, new_token bigint)
            RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE {n.Head} SET position = new_position, recorded_at = new_recorded_at, token = new_token
                WHERE position = expected_position AND token = expected_token;
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'the event store head moved: expected position %, token %', expected_position, expected_token
                        USING ERRCODE = 'RTH01';
                END IF;
            END
            $$;
            """),
    ];

    public static int LatestVersion => 2;

    public static async Task ApplyAsync(NpgsqlDataSource dataSource, PostgresNames names, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, $"""
            SELECT {names.MigrationLock};
            CREATE SCHEMA IF NOT EXISTS {names.Schema};
            CREATE TABLE IF NOT EXISTS {names.Migrations} (
                version    int         NOT NULL PRIMARY KEY,
                name       text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """, cancellationToken);

        var applied = new HashSet<int>();
        await using (var command = new NpgsqlCommand($"SELECT version FROM {names.Migrations}", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }
        if (applied.Count > 0 && applied.Max() > LatestVersion)
        {
            throw new EventStoreException($"The event store schema '{names.Schema}' is at version {applied.Max()}, newer than this build knows ({LatestVersion}): run a newer build, or point it at another schema.");
        }

        foreach (var (version, name, sql) in All(names))
        {
            if (applied.Contains(version))
            {
                continue;
            }
            await ExecuteAsync(connection, sql, cancellationToken);
            await using var record = new NpgsqlCommand($"INSERT INTO {names.Migrations} (version, name) VALUES ($1, $2)", connection)
            {
                Parameters = { new() { Value = version }, new() { Value = name } },
            };
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
