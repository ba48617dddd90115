using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using RoboTracer.Fleet.EventStore.Postgres;
using RoboTracer.Fleet.EventStore.Sqlite;

namespace RoboTracer.Fleet.EventStore.Benchmarking;

/// <summary>The settings of <see cref="EventStoreBenchmark.RunAppendLoadAsync"/>; the defaults are issue 3's load.</summary>
internal sealed record AppendLoadSettings
{
    /// <summary>Concurrent writers (robots reporting status).</summary>
    public int Writers { get; init; } = 10;

    /// <summary>Single-event appends each writer keeps in flight, each to its own stream with an exact expected version.</summary>
    public int InFlightPerWriter { get; init; } = 64;

    /// <summary>The JSON payload's size in bytes.</summary>
    public int EventBytes { get; init; } = 1024;

    /// <summary>Appends before the measurement starts (connections, JIT, caches), at least this long.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// After <see cref="Warmup"/>, appends go on until the JIT went quiet (no method compiled for half a second), at most
    /// this much longer. Tiered compilation recompiles the hot paths while the load runs; on two shared cores its
    /// background compiles took a third of the process's CPU in a 4-second round (perf, 2026-11-22).
    /// </summary>
    public TimeSpan MaxJitSettle { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long the measurement runs.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// What a load run measured: acknowledged events per second and acknowledgement latency; for our stores also the
/// events each group commit wrote on average in the window (null for the peer), and how long the warm-up took.
/// </summary>
internal sealed record LoadResult(long Events, TimeSpan Elapsed, double EventsPerSecond, TimeSpan P50, TimeSpan P99, double? EventsPerCommit = null, TimeSpan WarmedUp = default);

/// <summary>
/// The measurements behind <c>bench eventstore</c> (DESIGN.md §4), kept beside the store so the bench project
/// only wires them up: <see cref="RunAppendLoadAsync"/> drives any <see cref="IEventStore"/>, and
/// <see cref="RunRawCopyAsync"/> is the peer, a bare binary COPY of the same rows into the same table.
/// </summary>
internal static class EventStoreBenchmark
{
    /// <summary>
    /// Writers × in-flight single-event appends of <see cref="AppendLoadSettings.EventBytes"/>-byte JSON events;
    /// counts only acknowledged appends made inside the measured window.
    /// </summary>
    public static async Task<LoadResult> RunAppendLoadAsync(IEventStore store, AppendLoadSettings settings, CancellationToken cancellationToken = default)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var measuring = false;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var slots = new List<Task<List<long>>>();
        for (var w = 0; w < settings.Writers; w++)
        {
            for (var s = 0; s < settings.InFlightPerWriter; s++)
            {
                var stream = $"bench-{run}-{w}-{s}";
                slots.Add(Task.Run(async () =>
                {
                    var latencies = new List<long>();
                    for (var version = 0L; !stop.IsCancellationRequested; version++)
                    {
                        var e = new EventData("RobotStatus", Payload(stream, version, settings.EventBytes));
                        var started = Stopwatch.GetTimestamp();
                        await store.AppendAsync(stream, ExpectedVersion.Exact(version), [e], CancellationToken.None);
                        if (Volatile.Read(ref measuring))
                        {
                            latencies.Add(Stopwatch.GetTimestamp() - started);
                        }
                    }
                    return latencies;
                }, CancellationToken.None));
            }
        }
        var warming = Stopwatch.StartNew();
        await Task.Delay(settings.Warmup, cancellationToken);
        await WaitForQuietJitAsync(settings.MaxJitSettle, cancellationToken);
        var warmedUp = warming.Elapsed;
        Volatile.Write(ref measuring, true);
        var commitsBefore = CommitStatistics(store);
        var clock = Stopwatch.StartNew();
        await Task.Delay(settings.Duration, cancellationToken);
        Volatile.Write(ref measuring, false);
        var elapsed = clock.Elapsed;
        var commitsAfter = CommitStatistics(store);
        await stop.CancelAsync();
        var all = (await Task.WhenAll(slots)).SelectMany(l => l).Order().ToArray();
        double? perCommit = commitsBefore is { } b && commitsAfter is { } a && a.Batches > b.Batches ? (double)(a.Events - b.Events) / (a.Batches - b.Batches) : null;
        return new LoadResult(all.Length, elapsed, all.Length / elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), perCommit, warmedUp);
    }

    /// <summary>Returns once no method was JIT-compiled in this process for half a second, or after <paramref name="limit"/>.</summary>
    private static async Task WaitForQuietJitAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var compiled = JitInfo.GetCompiledMethodCount();
        while (waited.Elapsed < limit)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            var now = JitInfo.GetCompiledMethodCount();
            if (now == compiled)
            {
                return;
            }
            compiled = now;
        }
    }

    private static (long Batches, long Events)? CommitStatistics(IEventStore store) => store switch
    {
        PostgresEventStore postgres => postgres.Statistics,
        SqliteEventStore sqlite => sqlite.Statistics,
        _ => null,
    };

    /// <summary>
    /// The peer: <paramref name="totalRows"/> rows shaped like the load's (same columns, same payload size) into
    /// the events table of <paramref name="schema"/> (migrated by <see cref="PostgresEventStore"/>) by binary COPY,
    /// <paramref name="rowsPerTransaction"/> rows per COPY and commit, on one connection, with none of the store's
    /// work (no lock, no version checks, no batching). Latency is per transaction. Leaves the head consistent.
    /// </summary>
    public static async Task<LoadResult> RunRawCopyAsync(NpgsqlDataSource dataSource, string schema, int totalRows, int rowsPerTransaction, int eventBytes = 1024, CancellationToken cancellationToken = default)
    {
        var names = new PostgresNames(schema);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        long position;
        await using (var head = new NpgsqlCommand($"SELECT COALESCE(max(position), 0) FROM {names.Events}", connection))
        {
            position = (long)(await head.ExecuteScalarAsync(cancellationToken))!;
        }
        var run = Guid.NewGuid().ToString("N")[..8];
        var latencies = new List<long>();
        var clock = Stopwatch.StartNew();
        for (var done = 0; done < totalRows; done += rowsPerTransaction)
        {
            var started = Stopwatch.GetTimestamp();
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var importer = await connection.BeginBinaryImportAsync(
                $"COPY {names.Events} (position, stream_id, version, event_type, data, idempotency_key, recorded_at) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                var now = DateTimeOffset.UtcNow;
                for (var i = done; i < Math.Min(totalRows, done + rowsPerTransaction); i++)
                {
                    var stream = $"copy-{run}-{i % 640}";
                    var version = (i / 640) + 1L;
                    await importer.StartRowAsync(cancellationToken);
                    await importer.WriteAsync(++position, NpgsqlDbType.Bigint, cancellationToken);
                    await importer.WriteAsync(stream, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(version, NpgsqlDbType.Bigint, cancellationToken);
                    await importer.WriteAsync("RobotStatus", NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(new ReadOnlyMemory<byte>(Payload(stream, version, eventBytes)), NpgsqlDbType.Jsonb, cancellationToken);
                    await importer.WriteNullAsync(cancellationToken);
                    await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                }
                await importer.CompleteAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            latencies.Add(Stopwatch.GetTimestamp() - started);
        }
        var elapsed = clock.Elapsed;
        await using (var head = new NpgsqlCommand($"UPDATE {names.Head} SET position = GREATEST(position, $1)", connection))
        {
            head.Parameters.Add(new() { Value = position });
            await head.ExecuteNonQueryAsync(cancellationToken);
        }
        var sorted = latencies.Order().ToArray();
        return new LoadResult(totalRows, elapsed, totalRows / elapsed.TotalSeconds, Percentile(sorted, 0.50), Percentile(sorted, 0.99));
    }

    /// <summary>A status-update-like JSON object of exactly <paramref name="size"/> bytes (at least ~60).</summary>
    internal static byte[] Payload(string stream, long sequence, int size)
    {
        var head = "{\"robot\":\"" + stream + "\",\"seq\":" + sequence.ToString(CultureInfo.InvariantCulture) + ",\"battery\":0.87,\"pose\":[1.25,-0.5,0.0],\"pad\":\"";
        var padding = Math.Max(0, size - Encoding.UTF8.GetByteCount(head) - 2);
        return Encoding.UTF8.GetBytes(head + new string('x', padding) + "\"}");
    }

    private static TimeSpan Percentile(long[] sortedTicks, double p) => sortedTicks.Length == 0
        ? TimeSpan.Zero
        : Stopwatch.GetElapsedTime(0, sortedTicks[Math.Min(sortedTicks.Length - 1, (int)(p * sortedTicks.Length))]);
}
