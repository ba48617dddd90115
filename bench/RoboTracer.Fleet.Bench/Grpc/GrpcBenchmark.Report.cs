using System.Text.Json.Nodes;
using RoboTracer.Fleet.Bench.Harness;

namespace RoboTracer.Fleet.Bench.Grpc;

internal static partial class GrpcBenchmark
{
    /// <summary>The goals (issue 14): at least 5× grpcio, and at least 60% of what bare Kestrel does.</summary>
    private const double RatioGoal = 5;
    private const double OfLimitGoal = 0.6;

    /// <summary>
    /// The result line (DESIGN.md §4): medians over the runs; latencies are the median of each run's p50 and p99.
    /// Calls/s are rounded to whole calls, latencies to 10 µs, ratios and cores to 2 decimals.
    /// </summary>
    private static JsonObject BuildReport(GrpcBenchSettings settings, Measurements runs, string peerVersion, string h2loadVersion)
    {
        var ours = runs.H2Load[OursName];
        var peer = runs.H2Load[PeerName];
        var limit = runs.H2Load[LimitName];
        var client = runs.Client;
        var oursRate = Median(ours, run => run.Result.RequestsPerSecond);
        var peerRate = Median(peer, run => run.Result.RequestsPerSecond);
        var limitRate = Median(limit, run => run.Result.RequestsPerSecond);
        var clientRate = Median(client, run => run.Result.CallsPerSecond);
        var ratio = oursRate / peerRate;
        var ofLimit = oursRate / limitRate;
        var grpcJs = runs.H2Load.GetValueOrDefault(GrpcJsName) ?? [];
        var others = runs.H2Load.Values.SelectMany(list => list).Select(run => run.Cpu).Concat(client.Select(run => run.Cpu));
        var report = new JsonObject
        {
            ["bench"] = "grpc",
            ["ours"] = Math.Round(oursRate),
            ["peer"] = Math.Round(peerRate),
            ["ratio"] = Math.Round(ratio, 2),
            ["limit"] = Math.Round(limitRate),
            ["of_limit"] = Math.Round(ofLimit, 2),
            ["unit"] = "calls/s",
            ["ours_p50_ms"] = Ms(Median(ours, run => run.Result.P50Ms)),
            ["ours_p99_ms"] = Ms(Median(ours, run => run.Result.P99Ms)),
            ["peer_p50_ms"] = Ms(Median(peer, run => run.Result.P50Ms)),
            ["peer_p99_ms"] = Ms(Median(peer, run => run.Result.P99Ms)),
            ["limit_p50_ms"] = Ms(Median(limit, run => run.Result.P50Ms)),
            ["limit_p99_ms"] = Ms(Median(limit, run => run.Result.P99Ms)),
            ["client"] = Math.Round(clientRate),
            ["client_vs_h2load"] = Math.Round(clientRate / oursRate, 2),
            ["client_p50_ms"] = Ms(Median(client, run => run.Result.P50Ms)),
            ["client_p99_ms"] = Ms(Median(client, run => run.Result.P99Ms)),
            ["ratio_goal_met"] = ratio >= RatioGoal,
            ["of_limit_goal_met"] = ofLimit >= OfLimitGoal,
            ["quick"] = settings.Quick,
            ["runs"] = settings.Runs,
            ["h2load"] = settings.Load.ToString(),
            ["client_in_flight"] = settings.ClientConcurrency,
            ["payload_bytes"] = GrpcBenchSettings.PayloadSize,
            ["cores"] = Environment.ProcessorCount,
            // Cores used by the server under test and by the load generator (h2load or our client), and CPU µs per call.
            ["cpu"] = new JsonObject
            {
                [OursName] = Cores(ours.Select(run => (run.Cpu, run.Result.RequestsPerSecond))),
                [PeerName] = Cores(peer.Select(run => (run.Cpu, run.Result.RequestsPerSecond))),
                [LimitName] = Cores(limit.Select(run => (run.Cpu, run.Result.RequestsPerSecond))),
                ["client"] = Cores(client.Select(run => (run.Cpu, run.Result.CallsPerSecond))),
            },
            // Most CPU (in cores) other processes took during a kept run; above 0.2 the run was repeated if it could be.
            ["others_cpu_max"] = Math.Round(others.Max(cpu => cpu.Others), 2),
            ["per_run"] = new JsonObject
            {
                [OursName] = Stats.PerRun(ours.Select(run => run.Result.RequestsPerSecond)),
                [PeerName] = Stats.PerRun(peer.Select(run => run.Result.RequestsPerSecond)),
                [LimitName] = Stats.PerRun(limit.Select(run => run.Result.RequestsPerSecond)),
                ["client"] = Stats.PerRun(client.Select(run => run.Result.CallsPerSecond)),
            },
            ["versions"] = new JsonObject
            {
                ["dotnet"] = Environment.Version.ToString(),
                ["grpcio"] = peerVersion,
                ["h2load"] = h2loadVersion,
            },
        };
        if (grpcJs.Count > 0)
        {
            var grpcJsRate = Median(grpcJs, run => run.Result.RequestsPerSecond);
            report["grpcjs"] = Math.Round(grpcJsRate);
            report["ours_vs_grpcjs"] = Math.Round(oursRate / grpcJsRate, 2);
            report["grpcjs_p50_ms"] = Ms(Median(grpcJs, run => run.Result.P50Ms));
            report["grpcjs_p99_ms"] = Ms(Median(grpcJs, run => run.Result.P99Ms));
            report["cpu"]!.AsObject()[GrpcJsName] = Cores(grpcJs.Select(run => (run.Cpu, run.Result.RequestsPerSecond)));
            report["per_run"]!.AsObject()[GrpcJsName] = Stats.PerRun(grpcJs.Select(run => run.Result.RequestsPerSecond));
            report["versions"]!.AsObject()["node"] = GrpcJsNodeVersion;
            report["versions"]!.AsObject()["grpc_js"] = GrpcJsVersion;
        }
        return report;
    }

    private static double Median<T>(IEnumerable<T> runs, Func<T, double> value) => Stats.Median(runs.Select(value));

    private static double Ms(double milliseconds) => Math.Round(milliseconds, 2);

    /// <summary>
    /// Median cores used, and CPU µs per call (cores ÷ calls/s; the CPU window includes the run's warm-up, which
    /// goes at about the same rate, so it is a close estimate).
    /// </summary>
    private static JsonObject Cores(IEnumerable<(RunCpu Cpu, double Rate)> runs)
    {
        var list = runs.ToList();
        return new JsonObject
        {
            ["server"] = Math.Round(Stats.Median(list.Select(run => run.Cpu.Server)), 2),
            ["load"] = Math.Round(Stats.Median(list.Select(run => run.Cpu.LoadGenerator)), 2),
            ["server_us_per_call"] = Math.Round(Stats.Median(list.Select(run => run.Cpu.Server / run.Rate * 1e6)), 1),
            ["load_us_per_call"] = Math.Round(Stats.Median(list.Select(run => run.Cpu.LoadGenerator / run.Rate * 1e6)), 1),
        };
    }
}
