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
        (3, "orleans clustering and reminders", $"""
            -- What the Orleans 10.4.2 ADO.NET providers (Clustering.AdoNet, Reminders.AdoNet; invariant Npgsql) need:
            -- the queries they look up by key, and our tables behind them. Written from the parameters the 10.4.2 DLLs
            -- bind and the result columns their readers take by name (OrleansAdoNet lists both); the scripts Orleans
            -- publishes are of other ages. The query texts name this schema; only the providers' own
            -- "SELECT QueryKey, QueryText FROM OrleansQuery" goes through the search_path (OrleansAdoNet.ConnectionString).
            CREATE TABLE {n.OrleansQuery} (
                querykey  text NOT NULL PRIMARY KEY,
                querytext text NOT NULL
            );

            -- Membership. A cluster's version row is the membership table's ETag: an insert or full update of a silo's
            -- row moves it from the version the writer read to the next, in the same statement, and changes nothing
            -- (answering false) when another writer moved it first. Its row lock orders concurrent writers, so the
            -- version check of the one that waited sees the other's commit. Heartbeats and dead-row cleanup leave it.
            CREATE TABLE {n.OrleansMembershipVersion} (
                deployment_id text        NOT NULL PRIMARY KEY,
                version       int         NOT NULL DEFAULT 0,
                changed_at    timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE {n.OrleansMembership} (
                deployment_id   text        NOT NULL REFERENCES {n.OrleansMembershipVersion} ON DELETE CASCADE,
                address         text        NOT NULL,
                port            int         NOT NULL,
                generation      int         NOT NULL,
                silo_name       text        NOT NULL,
                host_name       text        NOT NULL,
                status          int         NOT NULL, -- Orleans' SiloStatus: 3 Active, 6 Dead
                proxy_port      int         NOT NULL,
                -- Orleans' format: "silo,yyyy-MM-dd HH:mm:ss.fff GMT" votes joined by '|'; NULL when there are none.
                suspect_times   text,
                start_time      timestamptz NOT NULL,
                i_am_alive_time timestamptz NOT NULL,
                PRIMARY KEY (deployment_id, address, port, generation)
            );

            -- Reminders. ETags come from one sequence, so a reminder removed and registered again never gets back an
            -- ETag that a stale holder could still delete it with (int: the providers parse ETags as int).
            CREATE SEQUENCE {n.OrleansReminderEtags} AS int CYCLE;
            CREATE TABLE {n.OrleansReminders} (
                service_id    text        NOT NULL,
                grain_id      text        NOT NULL,
                reminder_name text        NOT NULL,
                start_time    timestamptz NOT NULL,
                period        bigint      NOT NULL, -- milliseconds
                grain_hash    int         NOT NULL, -- the grain's uniform hash, sent as uint cast to int
                etag          int         NOT NULL,
                PRIMARY KEY (service_id, grain_id, reminder_name)
            );
            CREATE INDEX orleans_reminders_ring ON {n.OrleansReminders} (service_id, grain_hash);

            INSERT INTO {n.OrleansQuery} (querykey, querytext) VALUES
            ('InsertMembershipVersionKey', $q$
                WITH created AS (
                    INSERT INTO {n.OrleansMembershipVersion} (deployment_id) VALUES (@DeploymentId)
                    ON CONFLICT (deployment_id) DO NOTHING
                    RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM created)
            $q$),
            -- The readers need one row even when the cluster has no silos (the version alone, StartTime NULL).
            ('MembershipReadAllKey', $q$
                SELECT v.version AS "Version", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
                       m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
                       m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
                FROM {n.OrleansMembershipVersion} v
                LEFT JOIN {n.OrleansMembership} m ON m.deployment_id = v.deployment_id
                WHERE v.deployment_id = @DeploymentId
            $q$),
            ('MembershipReadRowKey', $q$
                SELECT v.version AS "Version", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
                       m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
                       m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
                FROM {n.OrleansMembershipVersion} v
                LEFT JOIN {n.OrleansMembership} m ON m.deployment_id = v.deployment_id
                    AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
                WHERE v.deployment_id = @DeploymentId
            $q$),
            ('GatewaysQueryKey', $q$
                SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
                FROM {n.OrleansMembership}
                WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
            $q$),
            -- @Version is the version the writer read (its ETag); a racing writer that took the version row first has
            -- moved it, so this one's re-check fails and nothing is written.
            ('InsertMembershipKey', $q$
                WITH moved AS (
                    UPDATE {n.OrleansMembershipVersion} SET version = version + 1, changed_at = now()
                    WHERE deployment_id = @DeploymentId AND version = @Version
                      AND NOT EXISTS (SELECT 1 FROM {n.OrleansMembership}
                                      WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
                    RETURNING deployment_id),
                inserted AS (
                    INSERT INTO {n.OrleansMembership} (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
                    SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
                    FROM moved
                    RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM inserted)
            $q$),
            -- The silo's row is locked before the version moves, so a row deleted meanwhile (cleanup) moves nothing.
            ('UpdateMembershipKey', $q$
                WITH moved AS (
                    UPDATE {n.OrleansMembershipVersion} SET version = version + 1, changed_at = now()
                    WHERE deployment_id = @DeploymentId AND version = @Version
                      AND EXISTS (SELECT 1 FROM {n.OrleansMembership}
                                  WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
                                  FOR UPDATE)
                    RETURNING deployment_id),
                updated AS (
                    UPDATE {n.OrleansMembership} m
                    SET status = @Status, suspect_times = NULLIF(@SuspectTimes, ''), i_am_alive_time = @IAmAliveTime
                    FROM moved
                    WHERE m.deployment_id = moved.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
                    RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM updated)
            $q$),
            ('UpdateIAmAlivetimeKey', $q$
                UPDATE {n.OrleansMembership} SET i_am_alive_time = @IAmAliveTime
                WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
            $q$),
            ('DeleteMembershipTableEntriesKey', $q$
                DELETE FROM {n.OrleansMembershipVersion} WHERE deployment_id = @DeploymentId
            $q$),
            -- Dead rows whose start, last heartbeat and every suspicion vote are older than @IAmAliveTime (the cutoff).
            -- 10.4.2 runs this only when CleanupDefunctSiloEntryKey is missing; both apply the same rule.
            ('CleanupDefunctSiloEntriesKey', $q$
                DELETE FROM {n.OrleansMembership} m
                WHERE m.deployment_id = @DeploymentId AND m.status = 6
                  AND m.start_time < @IAmAliveTime AND m.i_am_alive_time < @IAmAliveTime
                  AND NOT EXISTS (SELECT 1 FROM unnest(string_to_array(m.suspect_times, '|')) AS vote
                                  WHERE split_part(vote, ',', 2)::timestamptz >= @IAmAliveTime)
            $q$),
            -- Optional in 10.4.2 and preferred when present: the provider reads all rows, picks the dead ones by the rule
            -- above, and deletes each only if it still holds the values it read (a compare-and-delete).
            ('CleanupDefunctSiloEntryKey', $q$
                DELETE FROM {n.OrleansMembership}
                WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
                  AND status = 6 AND start_time = @StartTime AND i_am_alive_time = @IAmAliveTime
                  AND coalesce(suspect_times, '') = coalesce(@SuspectTimes, '')
            $q$),
            ('ReadReminderRowsKey', $q$
                SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime", period AS "Period", etag AS "Version"
                FROM {n.OrleansReminders}
                WHERE service_id = @ServiceId AND grain_id = @GrainId
            $q$),
            -- Ring ranges (BeginHash, EndHash] over the signed hashes: one interval when BeginHash < EndHash ...
            ('ReadRangeRows1Key', $q$
                SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime", period AS "Period", etag AS "Version"
                FROM {n.OrleansReminders}
                WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
            $q$),
            -- ... and the two ends of the ring otherwise (the whole ring when they are equal).
            ('ReadRangeRows2Key', $q$
                SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime", period AS "Period", etag AS "Version"
                FROM {n.OrleansReminders}
                WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
            $q$),
            ('ReadReminderRowKey', $q$
                SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime", period AS "Period", etag AS "Version"
                FROM {n.OrleansReminders}
                WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
            $q$),
            ('UpsertReminderRowKey', $q$
                INSERT INTO {n.OrleansReminders} AS r (service_id, grain_id, reminder_name, start_time, period, grain_hash, etag)
                VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, nextval('{n.OrleansReminderEtags}')::int)
                ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
                SET start_time = excluded.start_time, period = excluded.period, grain_hash = excluded.grain_hash, etag = excluded.etag
                RETURNING r.etag AS "Version"
            $q$),
            ('DeleteReminderRowKey', $q$
                WITH deleted AS (
                    DELETE FROM {n.OrleansReminders}
                    WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND etag = @Version
                    RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM deleted)
            $q$),
            ('DeleteReminderRowsKey', $q$
                DELETE FROM {n.OrleansReminders} WHERE service_id = @ServiceId
            $q$);
            """),
    ];

    public static int LatestVersion => 3;

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
