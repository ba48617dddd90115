using System.Net;
using System.Reflection;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;
using RoboTracer.Fleet.EventStore.IntegrationTests.Postgres;
using RoboTracer.Fleet.EventStore.Postgres;

namespace RoboTracer.Fleet.EventStore.IntegrationTests.Orleans;

/// <summary>
/// Migration 3 under the real 10.4.2 ADO.NET providers, driven directly (no silo): which queries exist, the
/// membership version checks, reminder ETags and ring ranges, and dead-row cleanup.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansSchemaTests(PostgresFixture fixture)
{
    private static readonly DateTime Now = Truncate(DateTime.UtcNow);

    private readonly string _schema = fixture.NewSchema();

    [Fact]
    public async Task Migrating_twice_and_from_two_tasks_at_once_installs_the_Orleans_schema_once()
    {
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => MigrateAsync()));
        await MigrateAsync();

        await using var dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        Assert.Equal([3], await ListAsync<int>(dataSource, $"SELECT version FROM {_schema}.schema_migrations WHERE version = 3"));
        var relations = await ListAsync<string>(dataSource,
            "SELECT c.relname FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = $1 AND c.relkind IN ('r', 'S') AND c.relname LIKE 'orleans%'",
            _schema);
        Assert.Equal(["orleans_membership", "orleans_membership_version", "orleans_reminder_etags", "orleans_reminders", "orleansquery"], relations.Order(StringComparer.Ordinal));

        // Exactly what the providers' own check demands (every internal property of their DbStoredQueries), plus the
        // optional per-row cleanup query, each once.
        var required = new[] { typeof(AdoNetClusteringTable).Assembly, typeof(AdoNetReminderTableOptions).Assembly }
            .SelectMany(a => a.GetTypes().Single(t => t.Name == "DbStoredQueries").GetProperties(BindingFlags.Instance | BindingFlags.NonPublic))
            .Select(p => p.Name)
            .Append("CleanupDefunctSiloEntryKey");
        var stored = await ListAsync<string>(dataSource, $"SELECT querykey FROM {_schema}.orleansquery");
        Assert.Equal(required.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_silo_connection_string_finds_the_queries_through_the_search_path()
    {
        var orleans = await MigrateAsync();
        Assert.Throws<ArgumentException>(() => OrleansAdoNet.ConnectionString(fixture.ConnectionString, "Not-A-Schema"));

        // The statement the providers start with, unqualified as they send it.
        const string ProvidersQuery = "SELECT QueryKey, QueryText FROM OrleansQuery";
        await using (var dataSource = NpgsqlDataSource.Create(orleans))
        {
            Assert.Equal(17, (await ListAsync<string>(dataSource, ProvidersQuery)).Count);
        }
        await using (var plain = NpgsqlDataSource.Create(fixture.ConnectionString))
        {
            var missing = await Assert.ThrowsAsync<PostgresException>(() => ListAsync<string>(plain, ProvidersQuery));
            Assert.Equal(PostgresErrorCodes.UndefinedTable, missing.SqlState);
        }
    }

    [Fact]
    public async Task Of_silos_inserted_at_once_from_one_table_version_exactly_one_is_admitted()
    {
        var orleans = await MigrateAsync();
        // Two silos creating the cluster's version row at once: both succeed, one row.
        var tables = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => OrleansTestCluster.MembershipTableAsync(orleans, "insert", createVersionRow: true)));
        var table = tables[0];
        var read = await table.ReadAllAsync();
        Assert.Empty(read.Members);

        var admitted = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => table.InsertRowAsync(Entry(i), read.Version.Next())));

        Assert.Single(admitted, a => a);
        var after = await table.ReadAllAsync();
        var (member, etag) = Assert.Single(after.Members);
        Assert.Equal((read.Version.Version + 1, after.Version.VersionEtag), (after.Version.Version, etag));

        // The same silo once more, at the current version: refused, and the version does not move.
        Assert.False(await table.InsertRowAsync(member, after.Version.Next()));
        Assert.Equal(after.Version.Version, (await table.ReadAllAsync()).Version.Version);

        // Deleting the cluster's entries takes its version with it: a new start begins from nothing.
        await table.DeleteMembershipTableEntriesAsync("insert");
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        var fresh = await table.ReadAllAsync();
        Assert.Equal((0, 0), (fresh.Members.Count, fresh.Version.Version));
    }

    [Fact]
    public async Task A_row_update_needs_the_table_version_it_read_and_of_concurrent_updates_exactly_one_wins()
    {
        var orleans = await MigrateAsync();
        var table = await OrleansTestCluster.MembershipTableAsync(orleans, "update", createVersionRow: true);
        await InsertAsync(table, Entry(0));
        var read = await table.ReadAllAsync();
        var (entry, etag) = Assert.Single(read.Members);

        var voters = Enumerable.Range(0, 6).Select(i => SiloAddress.New(IPAddress.Loopback, 12000 + i, 1)).ToList();
        var admitted = await Task.WhenAll(voters.Select(voter =>
            table.UpdateRowAsync(Entry(0, suspects: [(voter, Now)]), etag, read.Version.Next())));

        Assert.Single(admitted, a => a);
        var after = await table.ReadAllAsync();
        Assert.Equal(read.Version.Version + 1, after.Version.Version);
        var vote = Assert.Single(Assert.Single(after.Members).Item1.SuspectTimes!);
        Assert.Equal(voters[Array.IndexOf(admitted, true)], vote.Item1);

        // A writer still holding the old version is refused, and so is an update of a row that is not there; neither
        // moves the version.
        Assert.False(await table.UpdateRowAsync(entry, etag, read.Version.Next()));
        Assert.False(await table.UpdateRowAsync(Entry(999), after.Version.VersionEtag, after.Version.Next()));
        Assert.Equal(after.Version.Version, (await table.ReadAllAsync()).Version.Version);

        // Heartbeats change the row, never the version.
        await table.UpdateIAmAliveAsync(Entry(0, iAmAlive: Now.AddMinutes(1)));
        var beat = await table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal((after.Version.Version, Now.AddMinutes(1)), (beat.Version.Version, Assert.Single(beat.Members).Item1.IAmAliveTime));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cleanup_deletes_the_dead_rows_older_than_the_cutoff_and_nothing_else(bool perRowQueryInstalled)
    {
        var orleans = await MigrateAsync();
        if (!perRowQueryInstalled)
        {
            // Without the optional key 10.4.2 falls back to CleanupDefunctSiloEntriesKey with its own parameters.
            await using var dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
            await using var drop = dataSource.CreateCommand($"DELETE FROM {_schema}.orleansquery WHERE querykey = 'CleanupDefunctSiloEntryKey'");
            Assert.Equal(1, await drop.ExecuteNonQueryAsync());
        }
        var table = await OrleansTestCluster.MembershipTableAsync(orleans, "cleanup", createVersionRow: true);
        var other = await OrleansTestCluster.MembershipTableAsync(orleans, "other-cluster", createVersionRow: true);
        var old = Now.AddHours(-2);
        var recent = Now.AddMinutes(-1);
        var voter = SiloAddress.New(IPAddress.Loopback, 19999, 1);
        await InsertAsync(table, Entry(1, SiloStatus.Dead, old, old));                                 // gone
        await InsertAsync(table, Entry(2, SiloStatus.Dead, old, old, [(voter, old)]));                 // gone
        await InsertAsync(table, Entry(3, SiloStatus.Dead, old, old, [(voter, old), (voter, recent)])); // declared dead lately
        await InsertAsync(table, Entry(4, SiloStatus.Dead, old, recent));                              // heard from lately
        await InsertAsync(table, Entry(5, SiloStatus.Active, old, old));                               // not dead
        await InsertAsync(other, Entry(1, SiloStatus.Dead, old, old));                                 // another cluster

        await table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(Now.AddHours(-1)));

        var left = (await table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress.Endpoint.Port - 11000);
        Assert.Equal([3, 4, 5], left.Order());
        Assert.Single((await other.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task Reminder_etags_change_on_every_write_and_guard_deletes()
    {
        var orleans = await MigrateAsync();
        var table = await OrleansTestCluster.ReminderTableAsync(orleans, "etags");
        var grain = GrainId.Create("fleet-test", "grain");
        var reminder = new ReminderEntry { GrainId = grain, ReminderName = "r", StartAt = Now, Period = TimeSpan.FromMinutes(5) };

        var first = await table.UpsertRow(reminder);
        var second = await table.UpsertRow(reminder);
        Assert.NotEqual(first, second);
        var read = await table.ReadRow(grain, "r");
        Assert.Equal((grain, Now, TimeSpan.FromMinutes(5), second), (read!.GrainId, read.StartAt, read.Period, read.ETag));

        Assert.False(await table.RemoveRow(grain, "r", first!));
        Assert.True(await table.RemoveRow(grain, "r", second!));
        Assert.Null(await table.ReadRow(grain, "r"));

        // Registered again: a new ETag, so a holder of the removed reminder's ETag cannot remove this one.
        var third = await table.UpsertRow(reminder);
        Assert.DoesNotContain(third, new[] { first, second });
        Assert.False(await table.RemoveRow(grain, "r", second!));
        Assert.Single((await table.ReadRows(grain)).Reminders);
    }

    [Fact]
    public async Task Ring_range_reads_return_the_reminders_whose_grain_hash_is_in_the_range()
    {
        var orleans = await MigrateAsync();
        var table = await OrleansTestCluster.ReminderTableAsync(orleans, "ranges");
        var grains = Enumerable.Range(0, 64).Select(i => GrainId.Create("fleet-test", $"g{i}")).ToList();
        foreach (var grain in grains)
        {
            await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "r", StartAt = Now, Period = TimeSpan.FromMinutes(1) });
        }
        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToList();
        (uint Begin, uint End)[] ranges =
        [
            (0, 0), (0x1000_0000, 0x7000_0000), (0x7000_0000, 0x1000_0000), (0x8000_0000, 0x7FFF_FFFF),
            (0x7FFF_FFFF, 0x8000_0000), (0xF000_0000, 0x9000_0000), (0x9000_0000, 0xF000_0000),
            (hashes[10], hashes[40]), (hashes[40], hashes[10]), (hashes[5], hashes[5]),
        ];

        foreach (var (begin, end) in ranges)
        {
            // Orleans' ring range (begin, end]: wraps past uint.MaxValue when begin >= end (the whole ring when equal).
            var expected = grains.Where(g => g.GetUniformHashCode() is var h && (begin < end ? h > begin && h <= end : h > begin || h <= end));
            var found = (await table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId);
            Assert.Equal(expected.Select(g => g.ToString()).Order(StringComparer.Ordinal), found.Select(g => g.ToString()).Order(StringComparer.Ordinal));
        }
    }

    private Task<string> MigrateAsync() => OrleansTestCluster.MigrateAsync(fixture.ConnectionString, _schema);

    // PostgreSQL keeps microseconds; the values compared here are whole milliseconds.
    private static DateTime Truncate(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);

    // Silo n of a test listens on 11000 + n.
    private static MembershipEntry Entry(
        int n, SiloStatus status = SiloStatus.Active, DateTime? start = null, DateTime? iAmAlive = null, (SiloAddress Voter, DateTime At)[]? suspects = null) => new()
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, 11000 + n, 1),
            SiloName = $"silo-{n}",
            HostName = "test-host",
            Status = status,
            ProxyPort = 30000 + n,
            StartTime = start ?? Now,
            IAmAliveTime = iAmAlive ?? Now,
            SuspectTimes = suspects?.Select(s => Tuple.Create(s.Voter, s.At)).ToList(),
        };

    // As a silo does: insert at the version it read, then (the insert carries no votes) record the votes.
    private static async Task InsertAsync(AdoNetClusteringTable table, MembershipEntry entry)
    {
        var read = await table.ReadAllAsync();
        Assert.True(await table.InsertRowAsync(entry, read.Version.Next()));
        if (entry.SuspectTimes is { Count: > 0 })
        {
            read = await table.ReadAllAsync();
            Assert.True(await table.UpdateRowAsync(entry, read.Version.VersionEtag, read.Version.Next()));
        }
    }

    private static async Task<List<T>> ListAsync<T>(NpgsqlDataSource dataSource, string sql, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new() { Value = parameter });
        }
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetFieldValue<T>(0));
        }
        return values;
    }
}
