using System.Text.Json.Nodes;
using Npgsql;
using RoboTracer.Fleet.Bench.Harness;
using RoboTracer.Fleet.EventStore.Benchmarking;
using RoboTracer.Fleet.EventStore.Postgres;

namespace RoboTracer.Fleet.Bench.EventStore;

/// <summary>
/// <c>bench eventstore</c>: durable appends/s of our PostgreSQL store under issue 3's load (10 writers × 64
/// single-event appends in flight, 1 KiB JSON events, fsync on) against a raw Npgsql binary COPY of the same
/// rows into the same kind of table, taking turns in one run on one throwaway cluster. The measurements
/// themselves live beside the store (RoboTracer.Fleet.EventStore.Benchmarking); this only wires them.
/// </summary>
internal static class EventStoreBenchmarkCommand
{
    /// <summary>The absolute goal, acknowledged events per second.</summary>
    private const double GoalEventsPerSecond = 30_000;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var quick = args.Contains("--quick");
        var rounds = quick ? 1 : 3;
        var settings = new AppendLoadSettings
        {
            Warmup = TimeSpan.FromSeconds(quick ? 1 : 2),
            Duration = TimeSpan.FromSeconds(quick ? 4 : 10),
        };
        var copyRows = quick ? 100_000 : 300_000;
        var progress = new Progress("eventstore");

        // FLEET_BENCH_POSTGRES points at an existing server; otherwise a throwaway cluster from the system's binaries.
        var external = Environment.GetEnvironmentVariable("FLEET_BENCH_POSTGRES");
        await using var cluster = external is null ? await LocalPostgresCluster.StartAsync() : null;
        var connectionString = external ?? cluster!.ConnectionString;
        progress.Report(external is null ? $"throwaway PostgreSQL on port {cluster!.Port} (fsync on)" : "PostgreSQL from FLEET_BENCH_POSTGRES");
        await using var dataSource = new NpgsqlDataSourceBuilder(connectionString + ";Maximum Pool Size=64").Build();

        // The peer's table is made by the same migrations, so both write identical rows into identical tables.
        await using (await PostgresEventStore.OpenAsync(dataSource, schema: "bench_copy", cancellationToken: cancellationToken))
        {
        }
        await using var store = await PostgresEventStore.OpenAsync(dataSource, schema: "bench_ours", cancellationToken: cancellationToken);

        var ours = new List<LoadResult>();
        var peer = new List<LoadResult>();
        // A full run starts with a round that is not counted, for both sides: in three runs without it ours was 10-20%
        // slower in round 1 than later (an empty table growing, cold caches), COPY in two of them; the goal is about
        // sustained load.
        for (var round = quick ? 1 : 0; round <= rounds; round++)
        {
            var name = round == 0 ? "warm-up round (not counted)" : $"round {round}/{rounds}";
            var copy = await EventStoreBenchmark.RunRawCopyAsync(dataSource, "bench_copy", copyRows, rowsPerTransaction: 5000, cancellationToken: cancellationToken);
            progress.Report($"{name} peer (raw binary COPY): {copy.EventsPerSecond:0} rows/s");
            var load = await EventStoreBenchmark.RunAppendLoadAsync(store, settings, cancellationToken);
            if (round > 0)
            {
                peer.Add(copy);
                ours.Add(load);
            }
            progress.Report($"{name} ours: {load.EventsPerSecond:0} events/s, p50 {load.P50.TotalMilliseconds:0.0} ms, p99 {load.P99.TotalMilliseconds:0.0} ms, {load.EventsPerCommit:0} events per commit (warmed up {load.WarmedUp.TotalSeconds:0.0} s)");
        }

        var oursRate = Stats.Median(ours.Select(r => r.EventsPerSecond));
        var peerRate = Stats.Median(peer.Select(r => r.EventsPerSecond));
        var report = new JsonObject
        {
            ["bench"] = "eventstore",
            ["ours"] = Math.Round(oursRate),
            ["peer"] = Math.Round(peerRate),
            ["ratio"] = Math.Round(oursRate / peerRate, 2),
            ["unit"] = "events/s",
            ["ours_p50_ms"] = Math.Round(Stats.Median(ours.Select(r => r.P50.TotalMilliseconds)), 1),
            ["ours_p99_ms"] = Math.Round(Stats.Median(ours.Select(r => r.P99.TotalMilliseconds)), 1),
            ["ours_events_per_commit"] = Math.Round(Stats.Median(ours.Select(r => r.EventsPerCommit ?? 0))),
            ["goal_events_per_s"] = GoalEventsPerSecond,
            ["ratio_goal_met"] = oursRate / peerRate >= 0.8,
            ["rate_goal_met"] = oursRate >= GoalEventsPerSecond,
            ["writers"] = settings.Writers,
            ["in_flight_per_writer"] = settings.InFlightPerWriter,
            ["event_bytes"] = settings.EventBytes,
            ["quick"] = quick,
            ["warm_up_round"] = !quick,
            ["runs"] = rounds,
            ["per_run"] = new JsonObject
            {
                ["ours"] = Stats.PerRun(ours.Select(r => r.EventsPerSecond)),
                ["peer"] = Stats.PerRun(peer.Select(r => r.EventsPerSecond)),
            },
        };
        Console.WriteLine(report.ToJsonString());
        return RootCommand.Success;
    }
}
