using System.CommandLine;
using System.Globalization;
using System.Text;
using RoboTracer.Fleet.Cli.Output;
using RoboTracer.Fleet.Evaluation;

namespace RoboTracer.Fleet.Cli.Commands;

internal static partial class EvalCommands
{
    private static Command BuildScore(CliContext context)
    {
        var bench = new Option<string>("--bench") { Description = "The bench folder", Required = true, HelpName = "DIR" };
        var model = new Option<string?>("--model") { Description = "Score BENCH/outputs/{model}_{task}.jsonl", HelpName = "NAME" };
        var predictions = new Option<string?>("--predictions") { Description = "Score this predictions file", HelpName = "FILE.jsonl" };
        var task = TaskOption(allowAll: false, null);
        var csv = new Option<string?>("--csv") { Description = "Write the per-sample scores to FILE", HelpName = "FILE" };
        var command = new Command("score", "Score predictions; the last line printed is one JSON object with samples and metrics (rates 0-1)")
        {
            bench, model, predictions, task, csv,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(model) is null) == (result.GetValue(predictions) is null))
            {
                result.AddError("eval score needs --model NAME or --predictions FILE (one of them)");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var set = LoadBench(parse.GetRequiredValue(bench));
            var evalTask = EvalTasks.Parse(parse.GetRequiredValue(task))[0];
            var path = parse.GetValue(predictions)
                ?? PredictionFile.PathFor(Path.Combine(set.Root, "outputs"), parse.GetValue(model)!, evalTask);
            if (!File.Exists(path))
            {
                throw CliException.Usage(parse.GetValue(predictions) is null
                    ? $"no predictions at {path}; run 'fleet eval run --bench {set.Root} --model {parse.GetValue(model)} --task {evalTask.Name()}' first, or pass --predictions"
                    : $"--predictions {path} does not exist");
            }
            var csvPath = parse.GetValue(csv);
            EvalScore score;
            try
            {
                score = await EvalScorer.ScoreFileAsync(set, path, evalTask, cancellationToken: cancellationToken);
            }
            catch (BenchFormatException ex)
            {
                throw CliException.Usage($"--bench {set.Root}: {ex.Message}");
            }
            if (csvPath is not null)
            {
                WriteCsv(score, csvPath);
            }
            var table = Tables.Create("METRIC", "VALUE");
            foreach (var (name, value) in score.Metrics)
            {
                Tables.AddRow(table, name, value.ToString("0.0000", CultureInfo.InvariantCulture));
            }
            await context.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture, $"TraceSpatial-Bench {evalTask.Name()}: {score.Samples} samples, {score.Scored} scored, from {path}"));
            context.Console.Write(table);
            if (csvPath is not null)
            {
                await context.Out.WriteLineAsync($"per-sample scores: {csvPath}");
            }
            await context.Out.WriteLineAsync(score.ToJson());
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteCsv(EvalScore score, string path)
    {
        var full = Path.GetFullPath(path);
        var tmp = full + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using (var writer = new StreamWriter(tmp, append: false, new UTF8Encoding(false)))
            {
                score.WriteCsv(writer);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(tmp);
            throw CliException.Usage($"cannot write --csv {path}: {ex.Message}");
        }
    }
}
