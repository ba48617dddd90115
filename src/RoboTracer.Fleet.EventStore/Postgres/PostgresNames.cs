using System.Text;
using System.Text.RegularExpressions;

namespace RoboTracer.Fleet.EventStore.Postgres;

/// <summary>The SQL names of one store's schema, and the advisory-lock key and NOTIFY channel derived from it.</summary>
internal sealed partial class PostgresNames
{
    // pg_advisory_xact_lock(int4, int4): the first key says "fleet event store", the second which schema.
    private const int MigrationLockClass = 0x464C_5432; // "FLT2"

    public PostgresNames(string schema)
    {
        if (!SchemaPattern().IsMatch(schema))
        {
            throw new ArgumentException($"Schema name '{schema}' is invalid: use 1 to 50 characters from a-z, 0-9 and _, starting with a letter or _.", nameof(schema));
        }
        Schema = schema;
        var key = StableHash(schema);
        MigrationLock = $"pg_advisory_xact_lock({MigrationLockClass}, {key})";
    }

    public string Schema { get; }

    public string Events => $"{Schema}.events";

    public string Head => $"{Schema}.head";

    public string Blobs => $"{Schema}.blobs";

    public string Migrations => $"{Schema}.schema_migrations";

    /// <summary>The LISTEN/NOTIFY channel; notifications on it carry no payload.</summary>
    public string Channel => $"{Schema}_events";

    /// <summary>
    /// <c>advance_head(expected_position, expected_token, position, recorded_at, token)</c> (migration 2): moves the
    /// head, or fails with SQLSTATE RTH01 when it is not where the caller expected.
    /// </summary>
    public string AdvanceHead => $"{Schema}.advance_head";

    /// <summary>
    /// <c>OrleansQuery(QueryKey, QueryText)</c> (migration 3): the SQL the Orleans ADO.NET providers run, keyed by the
    /// names they look up. Unquoted on purpose: the providers select from <c>OrleansQuery</c> unqualified, which
    /// PostgreSQL folds to <c>orleansquery</c> and finds through the connection's search_path.
    /// </summary>
    public string OrleansQuery => $"{Schema}.orleansquery";

    /// <summary>One row per Orleans cluster id: the membership table's version, the providers' optimistic-concurrency token.</summary>
    public string OrleansMembershipVersion => $"{Schema}.orleans_membership_version";

    /// <summary>One row per silo incarnation (address, port, generation) of a cluster.</summary>
    public string OrleansMembership => $"{Schema}.orleans_membership";

    /// <summary>One row per reminder of a service.</summary>
    public string OrleansReminders => $"{Schema}.orleans_reminders";

    /// <summary>The sequence reminder ETags are drawn from, so that an ETag is never reused by a later reminder.</summary>
    public string OrleansReminderEtags => $"{Schema}.orleans_reminder_etags";

    /// <summary>Held while migrating, so concurrent starters apply each migration once.</summary>
    public string MigrationLock { get; }

    // FNV-1a: stable across processes and runtimes, unlike string.GetHashCode.
    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 16777619u;
        }
        return unchecked((int)hash);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,49}$")]
    private static partial Regex SchemaPattern();
}
