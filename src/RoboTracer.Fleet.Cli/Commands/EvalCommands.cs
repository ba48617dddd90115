using System.CommandLine;
using System.Globalization;
using RoboTracer.Fleet.Evaluation;
using RoboTracer.Fleet.Vision.Scenes;

namespace RoboTracer.Fleet.Cli.Commands;

/// <summary>
/// <c>eval make|run|score</c>: TraceSpatial-Bench evaluation (issue 8) over the Evaluation library. Every input is
/// checked before anything is written, so a bad invocation leaves the disk as it was.
/// </summary>
internal static partial class EvalCommands
{
    public static Command Build(CliContext context)
    {
        var eval = new Command("eval", "Evaluate trace models on TraceSpatial-Bench");
        eval.Subcommands.Add(BuildMake(context));
        eval.Subcommands.Add(BuildRun(context));
        eval.Subcommands.Add(BuildScore(context));
        return eval;
    }

    private static Command BuildMake(CliContext context)
    {
        var output = new Option<string>("--out") { Description = "The bench folder to write", Required = true, HelpName = "DIR" };
        var samples = new Option<int>("--samples") { Description = "How many samples", DefaultValueFactory = _ => 20, HelpName = "N" };
        samples.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--samples must be at least 1");
            }
        });
        var seed = new Option<int>("--seed") { Description = "The seed; the same seed gives the same set", DefaultValueFactory = _ => 1, HelpName = "S" };
        var size = new Option<(int Width, int Height)>("--size")
        {
            Description = "Image size, WIDTHxHEIGHT [default: 640x480]",
            HelpName = "WxH",
            DefaultValueFactory = _ => (TabletopSceneOptions.Default.Width, TabletopSceneOptions.Default.Height),
            CustomParser = result =>
            {
                var token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                var parts = token.Split('x', 'X');
                if (parts.Length == 2
                    && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var w)
                    && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
                    && w is >= 64 and <= 4096 && h is >= 64 and <= 4096)
                {
                    return (w, h);
                }
                result.AddError($"--size must be WIDTHxHEIGHT between 64 and 4096, e.g. 640x480, not '{token}'");
                return default;
            },
        };
        var force = new Option<bool>("--force") { Description = "Overwrite a bench that is already there" };
        var command = new Command("make", "Write a synthetic TraceSpatial-Bench set") { output, samples, seed, size, force };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var dir = parse.GetRequiredValue(output);
            if (File.Exists(Path.Combine(dir, BenchSet.DatasetFileName)) && !parse.GetValue(force))
            {
                throw CliException.Usage($"{dir} already holds a bench ({BenchSet.DatasetFileName}); pass --force to overwrite it");
            }
            if (File.Exists(dir))
            {
                throw CliException.Usage($"--out {dir} is a file, not a folder");
            }
            var (width, height) = parse.GetValue(size);
            var count = parse.GetValue(samples);
            BenchSet bench;
            try
            {
                // Rendering is CPU-bound and synchronous: off the caller's thread, so Ctrl+C is still heard.
                bench = await Task.Run(
                    () => BenchSetWriter.Make(dir, count, parse.GetValue(seed), new TabletopSceneOptions { Width = width, Height = height }),
                    cancellationToken);
            }
            catch (InvalidOperationException ex)
            {
                throw new CliException(ExitCodes.Failed, $"could not make the set: {ex.Message}", ex);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw CliException.Usage($"cannot write {dir}: {ex.Message}");
            }
            await context.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture, $"wrote {bench.Samples.Count} samples ({width}x{height}, seed {parse.GetValue(seed)}) to {bench.Root}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Loads the bench or fails with exit 2 and the reader's message (which names the sample and file).</summary>
    private static BenchSet LoadBench(string dir)
    {
        if (!Directory.Exists(dir))
        {
            throw CliException.Usage($"--bench {dir} does not exist; make one with 'fleet eval make --out {dir}'");
        }
        try
        {
            return BenchSet.Load(dir);
        }
        catch (BenchFormatException ex)
        {
            throw CliException.Usage($"--bench {dir}: {ex.Message}");
        }
    }

    private static Option<string> TaskOption(bool allowAll, string? defaultValue)
    {
        var option = new Option<string>("--task")
        {
            Description = allowAll ? "2D, 3D or all (3D then 2D)" : "2D or 3D",
            HelpName = allowAll ? "2D|3D|all" : "2D|3D",
        };
        if (defaultValue is null)
        {
            option.Required = true;
        }
        else
        {
            option.DefaultValueFactory = _ => defaultValue;
        }
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            var known = value?.Trim().ToUpperInvariant() is "2D" or "3D" || (allowAll && value?.Trim().ToUpperInvariant() == "ALL");
            if (!known)
            {
                result.AddError($"--task must be {(allowAll ? "2D, 3D or all" : "2D or 3D")}, not '{value}'");
            }
        });
        return option;
    }
}
