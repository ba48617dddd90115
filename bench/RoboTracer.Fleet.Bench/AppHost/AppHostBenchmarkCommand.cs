using System.Diagnostics;
using System.Text.Json.Nodes;
using RoboTracer.Fleet.Bench.Harness;

namespace RoboTracer.Fleet.Bench.AppHost;

/// <summary>
/// <c>bench apphost</c>: how long a user waits from <c>dotnet run --project aspire/RoboTracer.Fleet.AppHost</c> until
/// every resource is healthy, cold and warm, for the default store and for SQLite. Cold is the first run in a fresh
/// clone of this repository (restore and build of every project, PostgreSQL's initdb in the new data folder); warm is
/// a later run in the same clone. Each run ends at the AppHost's "every resource is healthy after S s" line: S, from the
/// AppHost's own process start, is the fleet coming up; the rest of our wall time is <c>dotnet run</c>'s restore and
/// build. <c>ours</c> is the median warm wall time with the default store, <c>ideal</c> the AppHost's own part of it,
/// <c>ratio</c> = ideal ÷ ours (1 would mean <c>dotnet run</c> adds nothing).
/// </summary>
internal static class AppHostBenchmarkCommand
{
    private const string Usage = "apphost [--quick] [--runs N] [--source PATH]";

    private static readonly TimeSpan ColdTimeout = TimeSpan.FromMinutes(20);
    private static readonly TimeSpan WarmTimeout = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var quick = args.Contains("--quick");
        var runs = BenchArgs.OptionValue(args, "--runs", Usage) is { } text
            ? int.TryParse(text, out var n) && n > 0 ? n : throw new UsageException($"--runs needs a positive whole number, not '{text}'; usage: {Usage}")
            : quick ? 1 : 3;
        // The repository this bench was built from; its committed HEAD is what a clone gets.
        var source = BenchArgs.OptionValue(args, "--source", Usage) ?? RepositoryPaths.Root;
        var progress = new Progress("apphost");
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "";
        progress.Report($"load average before: {load}");

        // --quick: warm runs only, in the repository itself (no clone, no cold build), SQLite, into a temporary data folder.
        (string Name, string[] Options)[] stores = quick
            ? [("sqlite", ["--store", "sqlite", "--port", "0"])]
            : [("default", ["--port", "0"]), ("sqlite", ["--store", "sqlite", "--port", "0"])];
        var results = new JsonObject();
        double? defaultWarm = null, defaultHealthy = null;
        foreach (var (name, options) in stores)
        {
            var result = quick
                ? await MeasureWarmOnlyAsync(source, options, runs, progress, cancellationToken)
                : await MeasureCloneAsync(source, name, options, runs, progress, cancellationToken);
            results[name] = result.Json;
            defaultWarm ??= result.WarmTotal;
            defaultHealthy ??= result.WarmHealthy;
        }

        var report = new JsonObject
        {
            ["bench"] = "apphost",
            ["ours"] = Math.Round(defaultWarm!.Value, 1),
            ["ideal"] = Math.Round(defaultHealthy!.Value, 1),
            ["ratio"] = Math.Round(defaultHealthy.Value / defaultWarm.Value, 2),
            ["unit"] = "s from dotnet run to every resource healthy (warm, median)",
            ["stores"] = results,
            ["runs"] = runs,
            ["quick"] = quick,
            ["load_before"] = load,
            ["load_after"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "",
            ["cores"] = Environment.ProcessorCount,
        };
        Console.WriteLine(report.ToJsonString());
        return RootCommand.Success;
    }

    private sealed record StoreResult(JsonObject Json, double WarmTotal, double WarmHealthy);

    /// <summary>A fresh clone: one cold run, then <paramref name="runs"/> warm ones; the clone is removed afterwards.</summary>
    private static async Task<StoreResult> MeasureCloneAsync(string source, string name, string[] options, int runs, Progress progress, CancellationToken cancellationToken)
    {
        var clone = Path.Combine(Path.GetTempPath(), $"apphost-bench-{name}-{Guid.NewGuid().ToString("N")[..8]}");
        await GitCloneAsync(source, clone, cancellationToken);
        try
        {
            progress.Report($"{name}: cold run in {clone} (restore, build, first start)");
            var cold = await AppHostRunner.RunAsync(clone, options, ColdTimeout, progress, cancellationToken);
            var warm = new List<AppHostRun>();
            for (var i = 1; i <= runs; i++)
            {
                progress.Report($"{name}: warm run {i}/{runs}");
                warm.Add(await AppHostRunner.RunAsync(clone, options, WarmTimeout, progress, cancellationToken));
            }
            var result = Summarize(warm);
            result.Json["store"] = cold.Store;
            result.Json["cold_total_s"] = Math.Round(cold.TotalSeconds, 1);
            result.Json["cold_build_s"] = Math.Round(cold.BuildSeconds, 1);
            result.Json["cold_healthy_s"] = Math.Round(cold.HealthySeconds, 1);
            result.Json["cold_others_cores"] = Math.Round(cold.OthersCores, 2);
            result.Json["cold_healthy_at_s"] = HealthyAt([cold]);
            return result;
        }
        finally
        {
            Directory.Delete(clone, recursive: true);
        }
    }

    private static async Task<StoreResult> MeasureWarmOnlyAsync(string repository, string[] options, int runs, Progress progress, CancellationToken cancellationToken)
    {
        var data = Path.Combine(Path.GetTempPath(), $"apphost-bench-data-{Guid.NewGuid().ToString("N")[..8]}");
        try
        {
            var warm = new List<AppHostRun>();
            for (var i = 1; i <= runs; i++)
            {
                progress.Report($"warm run {i}/{runs} in {repository}");
                warm.Add(await AppHostRunner.RunAsync(repository, [.. options, "--data", data], WarmTimeout, progress, cancellationToken));
            }
            var result = Summarize(warm);
            result.Json["store"] = warm[0].Store;
            return result;
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static StoreResult Summarize(List<AppHostRun> warm)
    {
        var total = Stats.Median(warm.Select(r => r.TotalSeconds));
        var healthy = Stats.Median(warm.Select(r => r.HealthySeconds));
        var json = new JsonObject
        {
            ["warm_total_s"] = Math.Round(total, 1),
            ["warm_build_s"] = Math.Round(Stats.Median(warm.Select(r => r.BuildSeconds)), 1),
            ["warm_healthy_s"] = Math.Round(healthy, 1),
            ["warm_others_cores_max"] = Math.Round(warm.Max(r => r.OthersCores), 2),
            ["warm_healthy_at_s"] = HealthyAt(warm),
            ["per_run"] = new JsonObject
            {
                ["warm_total_s"] = Stats.PerRun(warm.Select(r => r.TotalSeconds), 1),
                ["warm_healthy_s"] = Stats.PerRun(warm.Select(r => r.HealthySeconds), 1),
            },
        };
        return new StoreResult(json, total, healthy);
    }

    /// <summary>Per resource, the median of when it became healthy (seconds after dotnet run), in the order they did.</summary>
    private static JsonObject HealthyAt(List<AppHostRun> runs)
    {
        var medians = runs.SelectMany(r => r.HealthyAt.Keys).Distinct(StringComparer.Ordinal)
            .Select(name => (name, Seconds: Stats.Median(runs.Where(r => r.HealthyAt.ContainsKey(name)).Select(r => r.HealthyAt[name]))))
            .OrderBy(r => r.Seconds);
        var json = new JsonObject();
        foreach (var (name, seconds) in medians)
        {
            json[name] = Math.Round(seconds, 1);
        }
        return json;
    }

    private static async Task GitCloneAsync(string source, string target, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "clone", "--quiet", source, target })
        {
            start.ArgumentList.Add(argument);
        }
        using var git = Process.Start(start) ?? throw new BenchmarkFailedException("could not start git");
        var error = await git.StandardError.ReadToEndAsync(cancellationToken);
        await git.WaitForExitAsync(cancellationToken);
        if (git.ExitCode != 0)
        {
            throw new BenchmarkFailedException($"git clone {source} {target} failed ({git.ExitCode}): {error}");
        }
    }
}
