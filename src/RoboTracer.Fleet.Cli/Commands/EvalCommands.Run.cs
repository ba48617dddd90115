using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using RoboTracer.Fleet.Evaluation;
using Spectre.Console;

namespace RoboTracer.Fleet.Cli.Commands;

internal static partial class EvalCommands
{
    private static Command BuildRun(CliContext context)
    {
        var bench = new Option<string>("--bench") { Description = "The bench folder", Required = true, HelpName = "DIR" };
        var model = new Option<string>("--model")
        {
            Description = "The model's name; it picks the prompt family (names containing RoboTracer, Gemini or Qwen) and the output file",
            Required = true,
            HelpName = "NAME",
        };
        var task = TaskOption(allowAll: true, "all");
        var pool = TraceCommand.PoolOption("Query these pool workers over gRPC (repeatable); without it, an in-process backend answers");
        var backend = new Option<string?>("--backend")
        {
            Description = "With --pool: the worker's backend to use. Without: the in-process backend [default: geometric]",
            HelpName = "NAME",
        };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight", DefaultValueFactory = _ => 4, HelpName = "N" };
        concurrency.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 256)
            {
                result.AddError("--concurrency must be between 1 and 256");
            }
        });
        var outputs = new Option<string?>("--outputs") { Description = "Where {model}_{task}.jsonl go [default: BENCH/outputs]", HelpName = "DIR" };
        var timeout = TraceCommand.TimeoutOption(120);
        var command = new Command("run", "Run a model over a bench; resumable: only missing or empty predictions are asked again")
        {
            bench, model, task, pool, backend, concurrency, outputs, timeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var set = LoadBench(parse.GetRequiredValue(bench));
            var name = parse.GetRequiredValue(model);
            if (!EvalPrompts.IsGeneralVlm(name) && !EvalPrompts.IsRoboTracer(name))
            {
                throw CliException.Usage($"--model {name}: RoboTracer's evaluation prompts model names containing RoboTracer, Gemini or Qwen");
            }
            if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            {
                throw CliException.Usage($"--model {name} cannot be part of a file name");
            }
            var tasks = EvalTasks.Parse(parse.GetRequiredValue(task));
            var workers = parse.GetValue(pool) is { Length: > 0 } urls ? TraceCommand.PoolUrls(urls) : null;
            await using var queries = TraceQueries.Create(workers, parse.GetValue(backend), TimeSpan.FromSeconds(parse.GetValue(timeout)));
            var options = new EvalRunOptions
            {
                OutputDirectory = parse.GetValue(outputs),
                Backend = queries.RequestBackend,
            };
            var query = new FirstErrorQuery(queries.Query);
            try
            {
                var results = await RunWithProgressAsync(context, set, name, parse.GetRequiredValue(task), tasks, query, parse.GetValue(concurrency), options, cancellationToken);
                return await ReportAsync(context, results, query, workers);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                var kept = tasks.Select(t =>
                {
                    var path = PredictionFile.PathFor(options.OutputDirectory ?? Path.Combine(set.Root, "outputs"), name, t);
                    var done = PredictionFile.ReadRecords(path).Values.Count(r => !PredictionFile.IsEmpty(r["model_prediction"]));
                    return string.Create(CultureInfo.InvariantCulture, $"{t.Name()} {done}/{set.Samples.Count} in {path}");
                });
                throw new CliException(
                    ExitCodes.Interrupted,
                    $"interrupted; finished predictions are on disk ({string.Join("; ", kept)}). Run the same command again to resume.");
            }
        });
        return command;
    }

    private static async Task<IReadOnlyList<EvalRunResult>> RunWithProgressAsync(
        CliContext context, BenchSet set, string model, string task, IReadOnlyList<EvalTask> tasks, ITraceQuery query,
        int concurrency, EvalRunOptions options, CancellationToken cancellationToken)
    {
        if (!context.Interactive)
        {
            // Plain lines on stderr for logs and CI; stdout keeps only the results.
            return await EvalRunner.RunAsync(set, model, task, query, concurrency, p => context.Error.WriteLine(ProgressLine(p)), options, cancellationToken);
        }
        return await context.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var bars = tasks.ToDictionary(t => t, t => progress.AddTask(Markup.Escape($"{model} {t.Name()}"), autoStart: false, maxValue: set.Samples.Count));
                return await EvalRunner.RunAsync(set, model, task, query, concurrency, p =>
                {
                    var bar = bars[p.Task];
                    bar.StartTask();
                    bar.Value = p.Done;
                    if (p.Failed > 0)
                    {
                        bar.Description = Markup.Escape($"{model} {p.Task.Name()} ({p.Failed} failed)");
                    }
                    if (p.Done == p.Total)
                    {
                        bar.StopTask();
                    }
                }, options, cancellationToken);
            });
    }

    private static string ProgressLine(EvalProgress p)
    {
        var failed = p.Failed > 0 ? string.Create(CultureInfo.InvariantCulture, $", {p.Failed} failed") : "";
        var sample = p.LastId is null ? "" : $" (sample {p.LastId})";
        return string.Create(CultureInfo.InvariantCulture, $"{p.Task.Name()} {p.Done}/{p.Total}{failed}{sample}");
    }

    private static async Task<int> ReportAsync(CliContext context, IReadOnlyList<EvalRunResult> results, FirstErrorQuery query, IReadOnlyList<string>? workers)
    {
        foreach (var r in results)
        {
            await context.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{r.Task.Name()}: {r.Total - r.Failed}/{r.Total} predictions in {r.OutputPath} ({r.Reused} kept, {r.Ran} run, {r.Failed} failed)"));
        }
        var failed = results.Sum(r => r.Failed);
        if (failed == 0)
        {
            return ExitCodes.Ok;
        }
        var ran = results.Sum(r => r.Ran);
        if (failed == ran && workers is not null && query.FirstError is RpcException rpc)
        {
            // Nothing answered at all: the pool is down or the request is wrong for it, not a model that missed.
            throw TraceCommand.FromRpc(rpc, workers);
        }
        throw new CliException(
            ExitCodes.Failed,
            $"{failed} samples failed (first: {query.FirstError?.Message}); their predictions are empty. Run the same command again to retry them.");
    }
}
