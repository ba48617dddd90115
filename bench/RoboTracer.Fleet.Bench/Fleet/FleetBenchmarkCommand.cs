using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Bench.Harness;
using RoboTracer.Fleet.EventStore.Postgres;
using RoboTracer.Fleet.Inference;

namespace RoboTracer.Fleet.Bench.Fleet;

/// <summary>
/// <c>bench fleet</c>: N lean simulated robots (<see cref="BenchRobot"/>, no rendering after one small first frame)
/// on real RobotLink streams with 10 Hz heartbeats, each running one multi-step task, against one orchestrator in
/// its own process on PostgreSQL, with a pool worker whose simulated backend answers at once (the instant tracer).
/// Overhead per step = the gap, on the robot's clock, from writing SUCCEEDED of step k to receiving the
/// ExecuteTrace of step k+1: verification, the step's events, the trace request through the pool (model time 0)
/// and dispatch. Lost events: what the robots sent and were told, audited against the store (<see cref="FleetAudit"/>).
/// A fresh orchestrator and schema per round; the median of the rounds is reported.
/// </summary>
internal static class FleetBenchmarkCommand
{
    /// <summary>The issue's goal for p99 overhead per step, ms.</summary>
    private const double IdealP99Ms = 5;

    /// <summary>Issue 15's bound on the p99 overhead per step once grains run on Orleans, ms.</summary>
    private const double P99LimitMs = 100;

    private const string ApiToken = "bench-api-token";

    /// <summary>Robots per HTTP/2 connection: Kestrel allows 100 concurrent streams per connection by default.</summary>
    private const int RobotsPerChannel = 50;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var quick = args.Contains("--quick");
        var robots = IntOption(args, "--robots") ?? (quick ? 100 : 1000);
        var steps = IntOption(args, "--steps") ?? (quick ? 3 : 5);
        var rounds = IntOption(args, "--rounds") ?? (quick ? 1 : 3);
        // Orchestrator processes forming one Orleans cluster on the store's PostgreSQL; robots split evenly over them.
        var silos = IntOption(args, "--silos") ?? 1;
        // The issue's 10 Hz by default; another rate splits the heartbeats' cost from the steps'.
        var heartbeat = TimeSpan.FromMilliseconds(IntOption(args, "--heartbeat-ms") ?? 100);
        // Robots that run one task each on a fresh orchestrator before the measured robots connect, as many as will be
        // measured by default: a perf sample of a round measured after a 100-robot warm-up still had ~60% of the
        // orchestrator's CPU in the JIT (methods reach their optimized tier only after enough calls, at the scale
        // that calls them).
        var warmUp = IntOption(args, "--warm-up") ?? robots;
        // The arm's time per step, drawn uniformly in [mean/2, 3·mean/2] so robots do not move in lock-step.
        var stepMean = TimeSpan.FromMilliseconds(quick ? 500 : 1000);
        var progress = new Progress("fleet");

        var external = Environment.GetEnvironmentVariable("FLEET_BENCH_POSTGRES");
        await using var cluster = external is null ? await LocalPostgresCluster.StartAsync() : null;
        var connectionString = external ?? cluster!.ConnectionString;
        progress.Report(external is null ? $"throwaway PostgreSQL on port {cluster!.Port} (fsync on)" : "PostgreSQL from FLEET_BENCH_POSTGRES");
        await using var worker = await StartWorkerAsync(cancellationToken);
        var workerAddress = worker.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var results = new List<RoundResult>();
        for (var round = 1; round <= rounds; round++)
        {
            var result = await RunRoundAsync(round, robots, warmUp, steps, stepMean, heartbeat, silos, connectionString, cluster?.Port, workerAddress, progress, cancellationToken);
            results.Add(result);
            progress.Report($"round {round}/{rounds}: overhead p50 {result.P50Ms:0.00} ms, p99 {result.P99Ms:0.00} ms (with model time {result.WithModelP50Ms:0.00} / {result.WithModelP99Ms:0.00}); {result.EventsPerSecond:0} events/s; lost {result.Lost} of {result.Expected}; "
                + $"orchestrator {result.OrchestratorCores:0.00} cores, PostgreSQL {result.PostgresCores:0.00}, robots+pool {result.BenchCores:0.00}, others {result.ForeignCores:0.00}; peak RSS {result.PeakRssMb:0} MB");
            progress.Report($"round {round}/{rounds}: inside the orchestrator (p50 / p99 ms, count): "
                + string.Join(", ", result.Hops.Where(h => h.Value.Length > 0).OrderBy(h => h.Key, StringComparer.Ordinal)
                    .Select(h => $"{h.Key} {Stats.Percentile<double>(h.Value, 50):0.00} / {Stats.Percentile<double>(h.Value, 99):0.00} ({h.Value.Length})")));
        }

        var p99 = Stats.Median(results.Select(r => r.P99Ms));
        var lost = results.Sum(r => r.Lost);
        var report = new JsonObject
        {
            ["bench"] = "fleet",
            ["ours"] = Math.Round(p99, 2),
            ["ideal"] = IdealP99Ms,
            ["ratio"] = Math.Round(IdealP99Ms / p99, 3),
            ["unit"] = "ms p99 overhead per step",
            ["lost"] = lost,
            ["p50_ms"] = Math.Round(Stats.Median(results.Select(r => r.P50Ms)), 2),
            ["p99_ms"] = Math.Round(p99, 2),
            ["max_ms"] = Math.Round(results.Max(r => r.MaxMs), 1),
            ["p50_with_model_ms"] = Math.Round(Stats.Median(results.Select(r => r.WithModelP50Ms)), 2),
            ["p99_with_model_ms"] = Math.Round(Stats.Median(results.Select(r => r.WithModelP99Ms)), 2),
            ["worker_ms_p50"] = Math.Round(Stats.Median(results.Select(r => r.WorkerP50Ms)), 2),
            ["worker_ms_p99"] = Math.Round(Stats.Median(results.Select(r => r.WorkerP99Ms)), 2),
            ["first_step_p50_ms"] = Math.Round(Stats.Median(results.Select(r => r.FirstP50Ms)), 1),
            ["first_step_p99_ms"] = Math.Round(Stats.Median(results.Select(r => r.FirstP99Ms)), 1),
            ["events_per_s"] = Math.Round(Stats.Median(results.Select(r => r.EventsPerSecond))),
            ["events"] = results.Sum(r => r.Events),
            ["expected_checked"] = results.Sum(r => r.Expected),
            ["goal_met"] = p99 <= IdealP99Ms && lost == 0,
            ["p99_limit_ms"] = P99LimitMs,
            ["p99_limit_met"] = p99 <= P99LimitMs && lost == 0,
            ["robots"] = robots,
            ["silos"] = silos,
            ["steps_per_task"] = steps,
            ["step_time_ms"] = stepMean.TotalMilliseconds,
            ["heartbeat_ms"] = heartbeat.TotalMilliseconds,
            ["warm_up_robots"] = warmUp,
            ["tasks_completed"] = results.Sum(r => r.Completed),
            ["tasks"] = results.Sum(r => r.Tasks),
            ["breakdown_p99_ms"] = new JsonObject
            {
                ["decide"] = Math.Round(Stats.Median(results.Select(r => r.DecideP99Ms)), 2),
                ["trace"] = Math.Round(Stats.Median(results.Select(r => r.TraceP99Ms)), 2),
            },
            // Inside the orchestrator, by its own instruments: each durable append by grain kind, and the overhead from
            // the report at the link to the next trace taken by the robot (the bench's overhead less the network).
            ["orchestrator_hops_ms"] = HopsReport(results),
            ["cpu_cores"] = new JsonObject
            {
                ["orchestrator"] = Math.Round(Stats.Median(results.Select(r => r.OrchestratorCores)), 2),
                ["postgres"] = Math.Round(Stats.Median(results.Select(r => r.PostgresCores)), 2),
                ["robots_and_pool"] = Math.Round(Stats.Median(results.Select(r => r.BenchCores)), 2),
            },
            ["orchestrator_cpu_us_per_step"] = Math.Round(Stats.Median(results.Select(r => r.OrchestratorUsPerStep))),
            ["orchestrator_peak_rss_mb"] = Math.Round(results.Max(r => r.PeakRssMb)),
            ["orchestrator_rss_mb"] = Math.Round(Stats.Median(results.Select(r => r.RssMb))),
            ["cores"] = Environment.ProcessorCount,
            ["others_cpu_max"] = Math.Round(results.Max(r => r.ForeignCores), 2),
            ["quick"] = quick,
            ["runs"] = rounds,
            ["per_run"] = new JsonObject
            {
                ["p99_ms"] = Stats.PerRun(results.Select(r => r.P99Ms), 2),
                ["p50_ms"] = Stats.PerRun(results.Select(r => r.P50Ms), 2),
                ["events_per_s"] = Stats.PerRun(results.Select(r => r.EventsPerSecond)),
                ["lost"] = Stats.PerRun(results.Select(r => (double)r.Lost)),
            },
        };
        Console.WriteLine(report.ToJsonString());
        if (results.Any(r => r.Completed < r.Tasks))
        {
            throw new BenchmarkFailedException($"not every task completed ({results.Sum(r => r.Completed)} of {results.Sum(r => r.Tasks)}): the numbers above are not those of the workload described");
        }
        return RootCommand.Success;
    }

    private static async Task<RoundResult> RunRoundAsync(
        int round, int robotCount, int warmUp, int steps, TimeSpan stepMean, TimeSpan heartbeat, int silos, string connectionString, int? postgresPort, string workerAddress,
        Progress progress, CancellationToken cancellationToken)
    {
        var schema = "fleet_bench_" + round.ToString(CultureInfo.InvariantCulture) + "_" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var settingsPath = Path.Combine(Path.GetTempPath(), $"fleet-bench-{Environment.ProcessId}-{round}.json");
        await File.WriteAllTextAsync(settingsPath, Settings(robotCount + warmUp, heartbeat, connectionString, schema, workerAddress).ToJsonString(), cancellationToken);
        var orchestrators = new List<ServerProcess>();
        try
        {
            for (var silo = 0; silo < silos; silo++)
            {
                // One after the other: the first creates the cluster in the round's schema, the others join it.
                orchestrators.Add(await ServerProcess.StartAsync($"orchestrator-{silo}", FleetOrchestratorCommand.StartInfo(settingsPath), TimeSpan.FromSeconds(120), cancellationToken));
            }
            var orchestrator = orchestrators[0];
            var orchestratorIds = orchestrators.Select(o => o.ProcessId).ToArray();
            await using var store = await PostgresEventStore.OpenAsync(connectionString, schema: schema, cancellationToken: cancellationToken);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{orchestrator.HttpPort}"), Timeout = TimeSpan.FromSeconds(120) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
            var probes = orchestrators.Select(o => new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{o.HttpPort}"), Timeout = TimeSpan.FromSeconds(30) }).ToList();

            var random = new Random(round);
            var draws = new Lock();
            TimeSpan StepDuration()
            {
                lock (draws)
                {
                    return stepMean * (0.5 + random.NextDouble());
                }
            }
            // The warm-up robots take the ids after the measured ones; they leave before the measured robots connect.
            var warmers = Enumerable.Range(robotCount + 1, warmUp).Select(i => new BenchRobot(i, (round * 100_003) + i, StepDuration) { StepsWanted = steps }).ToList();
            var robots = Enumerable.Range(1, robotCount).Select(i => new BenchRobot(i, (round * 100_003) + i, StepDuration) { StepsWanted = steps }).ToList();
            // Channel c goes to silo c mod N, so consecutive groups of robots alternate between the silos.
            var channels = Enumerable.Range(0, Math.Max(silos, (robotCount + RobotsPerChannel - 1) / RobotsPerChannel))
                .Select(c => GrpcChannel.ForAddress(orchestrators[c % silos].Address)).ToList();
            try
            {
                progress.Report($"round {round}: warming the orchestrator up: {warmUp} robots, one task of {steps} steps each");
                await ConnectAsync(warmers, channels, cancellationToken);
                var warmUpTasks = await SubmitAsync(http, warmers, steps, cancellationToken);
                var warmUpLimit = TimeSpan.FromSeconds(20 + (steps * stepMean.TotalSeconds * 4));
                if (!await WaitForStepsAsync(http, warmers, warmUpTasks, warmUpLimit, cancellationToken))
                {
                    await ReportUnfinishedAsync(http, warmUpTasks, progress, round, cancellationToken);
                    throw new BenchmarkFailedException(
                        $"round {round}: the warm-up's tasks did not finish ({warmers.Count(r => r.Done.Task.IsCompleted)} of {warmUp} robots did all {steps} steps within {warmUpLimit.TotalSeconds:0} s); " +
                        "the lines above say where the first ones stand. A failed task of many steps is often beyond the rule planner or the tracer's reach: try fewer --steps.");
                }
                await WaitForCompletedAsync(http, warmUpTasks, TimeSpan.FromSeconds(30), cancellationToken);
                await Task.WhenAll(warmers.Select(r => r.StopAsync()));
                var settled = await WaitUntilQuietAsync(orchestratorIds, cancellationToken);
                progress.Report($"round {round}: the orchestrator went quiet {settled.TotalSeconds:0.0} s after the warm-up (background JIT done)");

                var connectHead = await store.GetHeadPositionAsync(cancellationToken);
                await ConnectAsync(robots, channels, cancellationToken);
                progress.Report($"round {round}: {robotCount} robots connected; submitting {robotCount} tasks of {steps} steps");

                var postgres = postgresPort is { } port ? ProcessTree.FindPostgres(port) : null;
                var cpu = new CpuWatch(() => postgres is null
                    ? orchestratorIds
                    : [.. orchestratorIds, .. ProcessTree.Children(postgres.Value).Prepend(postgres.Value)]);
                var head = await store.GetHeadPositionAsync(cancellationToken);
                // The orchestrators' own per-hop values: what the warm-up left is dropped here.
                await GrainMetricsProbe.TakeAsync(probes, cancellationToken);
                var before = cpu.Take();
                var taskIds = await SubmitAsync(http, robots, steps, cancellationToken);
                var started = before.Timestamp;

                var allDone = Task.WhenAll(robots.Select(r => r.Done.Task));
                var limit = TimeSpan.FromSeconds(20 + (steps * stepMean.TotalSeconds * 4));
                // Not polled for failed tasks, unlike the warm-up: the task list's reads would load the orchestrator being measured.
                if (await Task.WhenAny(allDone, Task.Delay(limit, cancellationToken)) != allDone)
                {
                    progress.Report($"round {round}: warning: after {limit.TotalSeconds:0} s only {robots.Count(r => r.Done.Task.IsCompleted)} of {robotCount} robots finished their steps");
                }
                var completed = await WaitForCompletedAsync(http, taskIds, TimeSpan.FromSeconds(30), cancellationToken);
                if (completed < robotCount)
                {
                    await ReportUnfinishedAsync(http, taskIds, progress, round, cancellationToken);
                }
                var after = cpu.Take();
                var hops = await GrainMetricsProbe.TakeAsync(probes, cancellationToken);
                var usage = CpuWatch.Between(before, after);
                var seconds = Stopwatch.GetElapsedTime(started, after.Timestamp).TotalSeconds;
                var memory = orchestratorIds.Select(ProcessTree.Memory).ToList();
                var (peakRss, rss) = (memory.Sum(m => m.Peak), memory.Sum(m => m.Current));

                await Task.WhenAll(robots.Select(r => r.StopAsync()));
                var audit = await FleetAudit.RunAsync(store, connectHead, head, robots, taskIds, cancellationToken);

                if (audit.Lost > 0)
                {
                    progress.Report($"round {round}: missing from the store: {string.Join(", ", audit.LostByKind.Select(k => $"{k.Value} {k.Key}"))}");
                }
                // The issue's overhead excludes model time: each gap less the time its trace spent in the pool worker
                // (queued and in the model), as the worker reported it and TraceAssigned recorded it.
                var withModel = robots.SelectMany(r => r.Gaps).Order().ToArray();
                var gaps = robots
                    .SelectMany(r => r.Gaps.Zip(r.GapTraces, (gap, trace) => gap - (long)(audit.WorkerMsByTrace.GetValueOrDefault(trace) * Stopwatch.Frequency / 1000)))
                    .Order()
                    .ToArray();
                var worker = audit.WorkerMsByTrace.Values.Order().ToArray();
                var firsts = robots.Where(r => r.FirstTraceAt != 0).Select(r => r.FirstTraceAt - r.SubmittedAt).Order().ToArray();
                var stepCount = robots.Sum(r => r.StepsSucceeded);
                var orchestratorCores = orchestratorIds.Sum(usage.Of);
                var postgresCores = postgres is null ? 0 : usage.CoresByProcess.Where(p => !orchestratorIds.Contains(p.Key) && p.Key != Environment.ProcessId).Sum(p => p.Value);
                return new RoundResult
                {
                    P50Ms = PercentileMs(gaps, 50),
                    P99Ms = PercentileMs(gaps, 99),
                    MaxMs = PercentileMs(gaps, 100),
                    WithModelP50Ms = PercentileMs(withModel, 50),
                    WithModelP99Ms = PercentileMs(withModel, 99),
                    WorkerP50Ms = worker.Length == 0 ? double.NaN : Stats.Percentile(worker, 50),
                    WorkerP99Ms = worker.Length == 0 ? double.NaN : Stats.Percentile(worker, 99),
                    FirstP50Ms = PercentileMs(firsts, 50),
                    FirstP99Ms = PercentileMs(firsts, 99),
                    EventsPerSecond = audit.EventsInWindow / seconds,
                    Events = audit.EventsInWindow,
                    Lost = audit.Lost,
                    Expected = audit.Expected,
                    DecideP99Ms = audit.DecideP99Ms,
                    TraceP99Ms = audit.TraceP99Ms,
                    Tasks = robotCount,
                    Completed = completed,
                    OrchestratorCores = orchestratorCores,
                    PostgresCores = postgresCores,
                    BenchCores = usage.Of(Environment.ProcessId),
                    ForeignCores = usage.ForeignCores,
                    OrchestratorUsPerStep = stepCount == 0 ? 0 : orchestratorCores * seconds * 1e6 / stepCount,
                    PeakRssMb = peakRss / 1024.0 / 1024,
                    RssMb = rss / 1024.0 / 1024,
                    Hops = hops,
                };
            }
            finally
            {
                foreach (var channel in channels)
                {
                    channel.Dispose();
                }
                foreach (var probe in probes)
                {
                    probe.Dispose();
                }
            }
        }
        finally
        {
            foreach (var orchestrator in orchestrators)
            {
                await orchestrator.DisposeAsync();
            }
            File.Delete(settingsPath);
        }
    }

    /// <summary>Per hop: the medians over the rounds of its p50 and p99, and its count per round.</summary>
    private static JsonObject HopsReport(IReadOnlyList<RoundResult> results)
    {
        var report = new JsonObject();
        foreach (var hop in results.SelectMany(r => r.Hops.Keys).Distinct().Order(StringComparer.Ordinal))
        {
            var rounds = results.Where(r => r.Hops.TryGetValue(hop, out var v) && v.Length > 0).Select(r => r.Hops[hop]).ToList();
            report[hop] = new JsonObject
            {
                ["p50"] = Math.Round(Stats.Median(rounds.Select(v => Stats.Percentile(v, 50))), 2),
                ["p99"] = Math.Round(Stats.Median(rounds.Select(v => Stats.Percentile(v, 99))), 2),
                ["count"] = Math.Round(Stats.Median(rounds.Select(v => (double)v.Length))),
            };
        }
        return report;
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static double PercentileMs(long[] sorted, double percent) => sorted.Length == 0 ? double.NaN : Ms(Stats.Percentile(sorted, percent));

    /// <summary>"put the A on the B, then put the B on the C, …": one pick-and-place step per clause.</summary>
    private static string Instruction(IReadOnlyList<string> labels, int steps) =>
        string.Join(", then ", Enumerable.Range(0, steps).Select(i => $"put the {labels[i % labels.Count]} on the {labels[(i + 1) % labels.Count]}"));

    private static async Task ConnectAsync(IReadOnlyList<BenchRobot> robots, IReadOnlyList<GrpcChannel> channels, CancellationToken cancellationToken) =>
        await Parallel.ForEachAsync(robots.Select((r, i) => (r, i)), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (entry, token) => await entry.r.ConnectAsync(channels[entry.i / RobotsPerChannel % channels.Count], token));

    /// <summary>Submits one task per robot, on that robot; the task ids in the robots' order.</summary>
    private static async Task<string[]> SubmitAsync(HttpClient http, IReadOnlyList<BenchRobot> robots, int steps, CancellationToken cancellationToken)
    {
        var taskIds = new string[robots.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, robots.Count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, token) =>
        {
            var robot = robots[i];
            robot.SubmittedAt = Stopwatch.GetTimestamp();
            using var response = await http.PostAsJsonAsync("/api/tasks", new { instruction = Instruction(robot.Labels, steps), robotId = robot.Id }, token);
            var body = await response.Content.ReadAsStringAsync(token);
            if (response.StatusCode != System.Net.HttpStatusCode.Accepted)
            {
                throw new BenchmarkFailedException($"submitting the task of {robot.Id} answered {(int)response.StatusCode}: {body}");
            }
            taskIds[i] = JsonNode.Parse(body)!["taskId"]!.GetValue<string>();
        });
        return taskIds;
    }

    /// <summary>
    /// Waits until every robot did all its steps (true), <paramref name="limit"/> passed, or one of the tasks ended without
    /// completing: a failed or cancelled task gives its robot no more steps, so waiting on would only wait out the limit.
    /// </summary>
    private static async Task<bool> WaitForStepsAsync(HttpClient http, IReadOnlyList<BenchRobot> robots, string[] taskIds, TimeSpan limit, CancellationToken cancellationToken)
    {
        var allDone = Task.WhenAll(robots.Select(r => r.Done.Task));
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        var wanted = taskIds.ToHashSet(StringComparer.Ordinal);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (await Task.WhenAny(allDone, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken)) == allDone)
            {
                return true;
            }
            foreach (var phase in (string[])["Failed", "Cancelled"])
            {
                var ended = (await http.GetFromJsonAsync<JsonArray>($"/api/tasks?phase={phase}", cancellationToken))!;
                if (ended.Any(t => wanted.Contains(t!["id"]!.GetValue<string>())))
                {
                    return false;
                }
            }
        }
        return allDone.IsCompleted;
    }

    /// <summary>How many of <paramref name="taskIds"/> are Completed, once all are or the timeout passed.</summary>
    private static async Task<int> WaitForCompletedAsync(HttpClient http, IReadOnlyCollection<string> taskIds, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var wanted = taskIds.ToHashSet(StringComparer.Ordinal);
        while (true)
        {
            var completed = (await http.GetFromJsonAsync<JsonArray>("/api/tasks?phase=Completed", cancellationToken))!
                .Count(t => wanted.Contains(t!["id"]!.GetValue<string>()));
            if (completed >= wanted.Count || Stopwatch.GetTimestamp() > deadline)
            {
                return completed;
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Where each task that did not complete stands: its phase and its last events, so a stall can be told from a failure.</summary>
    private static async Task ReportUnfinishedAsync(HttpClient http, string[] taskIds, Progress progress, int round, CancellationToken cancellationToken)
    {
        var completed = (await http.GetFromJsonAsync<JsonArray>("/api/tasks?phase=Completed", cancellationToken))!
            .Select(t => t!["id"]?.GetValue<string>()).ToHashSet();
        foreach (var id in taskIds.Where(id => !completed.Contains(id)).Take(5))
        {
            var task = await http.GetFromJsonAsync<JsonObject>($"/api/tasks/{id}", cancellationToken);
            var events = (await http.GetFromJsonAsync<JsonArray>($"/api/tasks/{id}/events", cancellationToken))!;
            var tail = string.Join(", ", events.TakeLast(6).Select(e => e!["type"]));
            progress.Report($"round {round}: task {id} did not complete: phase {task!["phase"]}, step {task["currentStep"]}, {task["failureReason"]}; last events: {tail}");
        }
    }

    private static JsonObject Settings(int robots, TimeSpan heartbeat, string connectionString, string schema, string workerAddress)
    {
        var tokens = new JsonObject();
        for (var i = 1; i <= robots; i++)
        {
            tokens["bench-" + i.ToString(CultureInfo.InvariantCulture)] = "secret-" + i.ToString(CultureInfo.InvariantCulture);
        }
        return new JsonObject
        {
            ["Kestrel"] = new JsonObject
            {
                ["Endpoints"] = new JsonObject
                {
                    ["Grpc"] = new JsonObject { ["Url"] = "http://127.0.0.1:0" },
                    ["Http"] = new JsonObject { ["Url"] = "http://127.0.0.1:0" },
                },
            },
            ["services"] = new JsonObject { ["pool"] = new JsonObject { ["grpc"] = new JsonArray(workerAddress) } },
            ["FLEET_API_TOKEN"] = ApiToken,
            ["ConnectionStrings"] = new JsonObject { ["fleetdb"] = connectionString },
            ["Store"] = new JsonObject { ["Schema"] = schema },
            ["Fleet"] = new JsonObject
            {
                // The welcome tells the robots, and the robot grains expect heartbeats at this rate.
                ["HeartbeatInterval"] = heartbeat.ToString("c", CultureInfo.InvariantCulture),
                ["RobotTokens"] = tokens,
            },
        };
    }

    /// <summary>A pool worker in this process whose simulated backend answers at once: the instant tracer.</summary>
    private static async Task<WebApplication> StartWorkerAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
            ["Inference:WorkerId"] = "bench-fleet-worker",
            // The simulated backend answers 2D points only, which the orchestrator rightly rejects (a robot follows
            // 3D waypoints); the geometric backend computes a 3D trace from the scene hints and the 64x48 depth at
            // once (no sleep, well under a millisecond of CPU), so it is the instant tracer here.
            ["Inference:DefaultBackend"] = "geometric",
            ["Inference:Backends:geometric:Batching:MaxQueueDelay"] = "00:00:00",
            ["Inference:Backends:geometric:Batching:QueueCapacity"] = "100000",
        });
        builder.AddInferenceWorker();
        var app = builder.Build();
        app.MapInferenceWorker();
        await app.StartAsync(cancellationToken);
        return app;
    }

    /// <summary>
    /// Waits until each process uses under 0.05 cores over half a second (at most 60 s) and says how long that took.
    /// After the warm-up the runtime keeps recompiling hot methods at higher tiers in the background for many
    /// seconds (a perf sample of a round measured right after a 100-robot warm-up had 60% of the orchestrator's CPU
    /// in the JIT); measuring before that ends measures the JIT, not the orchestrator.
    /// </summary>
    private static async Task<TimeSpan> WaitUntilQuietAsync(int[] processIds, CancellationToken cancellationToken)
    {
        var watch = new CpuWatch(() => processIds);
        var start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(60))
        {
            var before = watch.Take();
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            var usage = CpuWatch.Between(before, watch.Take());
            // Every silo quiet: under 0.05 cores each.
            if (processIds.All(id => usage.Of(id) < 0.05))
            {
                break;
            }
        }
        return Stopwatch.GetElapsedTime(start);
    }

    private static int? IntOption(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        if (index < 0)
        {
            return null;
        }
        return index + 1 < args.Length && int.TryParse(args[index + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new UsageException($"usage: fleet [--quick] [--robots N] [--silos N] [--steps N] [--rounds N] [--heartbeat-ms N] [--warm-up N]; {name} takes a positive number");
    }

    private sealed record RoundResult
    {
        public double P50Ms { get; init; }
        public double P99Ms { get; init; }
        public double MaxMs { get; init; }
        public double FirstP50Ms { get; init; }
        public double FirstP99Ms { get; init; }
        public double EventsPerSecond { get; init; }
        public long Events { get; init; }
        public long Lost { get; init; }
        public long Expected { get; init; }
        public double WithModelP50Ms { get; init; }
        public double WithModelP99Ms { get; init; }
        public double WorkerP50Ms { get; init; }
        public double WorkerP99Ms { get; init; }
        public double DecideP99Ms { get; init; }
        public double TraceP99Ms { get; init; }
        public int Tasks { get; init; }
        public int Completed { get; init; }
        public double OrchestratorCores { get; init; }
        public double PostgresCores { get; init; }
        public double BenchCores { get; init; }
        public double ForeignCores { get; init; }
        public double OrchestratorUsPerStep { get; init; }
        public double PeakRssMb { get; init; }
        public double RssMb { get; init; }

        /// <summary>Values in ms by hop, sorted, from the orchestrators' instruments (<see cref="GrainMetricsProbe"/>).</summary>
        public Dictionary<string, double[]> Hops { get; init; } = [];
    }
}
