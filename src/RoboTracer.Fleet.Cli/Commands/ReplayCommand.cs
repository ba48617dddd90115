using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RoboTracer.Fleet.Cli.Api;
using RoboTracer.Fleet.Cli.Output;

namespace RoboTracer.Fleet.Cli.Commands;

/// <summary>
/// <c>replay</c>: plays a task's recorded history with its original timing scaled by <c>--speed</c>, from the
/// orchestrator (<c>/api/tasks/{id}/events</c>) or from a file that <c>--export</c> wrote (<c>--import</c>); or,
/// with <c>--with-backend</c>, asks another backend the task's recorded trace questions (<see cref="WhatIfReplay"/>).
/// </summary>
internal static class ReplayCommand
{
    public static Command Build(CliContext context)
    {
        var task = new Argument<string?>("task") { Description = "The task's id, or a unique start of it (or use --import)", Arity = ArgumentArity.ZeroOrOne };
        var speed = new Option<double>("--speed")
        {
            Description = "Play this many times faster than it happened",
            DefaultValueFactory = _ => 1.0,
            HelpName = "N",
        };
        speed.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<double>();
            if (!double.IsFinite(value) || value <= 0)
            {
                result.AddError("--speed must be a number above 0");
            }
        });
        var maxGap = new Option<double>("--max-gap")
        {
            Description = "The longest wait between two events after scaling, in seconds (a task that waited an hour for a robot need not)",
            DefaultValueFactory = _ => 10.0,
            HelpName = "SECONDS",
        };
        maxGap.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is var value && (!double.IsFinite(value) || value < 0))
            {
                result.AddError("--max-gap must be a number of seconds, 0 or more");
            }
        });
        var export = new Option<string?>("--export") { Description = "Write the task's history to FILE as JSON lines instead of playing it", HelpName = "FILE" };
        var import = new Option<string?>("--import") { Description = "Play a history that --export wrote", HelpName = "FILE" };
        var withBackend = new Option<string?>("--with-backend")
        {
            Description = "What-if: ask this backend every trace question the task recorded (same image, depth, intrinsics, instruction) "
                + "and report per trace the Fréchet and end-point distances to the recorded trace, in metres; the last line is JSON. "
                + "With --pool, the workers' backend of that name; without, the in-process one (geometric)",
            HelpName = "NAME",
        };
        var pool = TraceCommand.PoolOption("With --with-backend: query these pool workers over gRPC (repeatable)");
        var timeout = TraceCommand.TimeoutOption(30);
        var command = new Command("replay", "Replay a task's events with their original timing, or re-run its trace queries on another backend")
        {
            task, speed, maxGap, export, import, withBackend, pool, timeout,
        };
        var server = ServerOptions.AddTo(command);
        command.Validators.Add(result =>
        {
            var hasTask = result.GetValue(task) is not null;
            var hasImport = result.GetValue(import) is not null;
            if (hasTask == hasImport)
            {
                result.AddError("replay needs a task id or --import FILE (one of them)");
            }
            var whatIf = result.GetValue(withBackend) is not null;
            if (whatIf && result.GetValue(export) is not null)
            {
                result.AddError("--with-backend and --export do not go together: export the history, then re-run it with --import FILE --with-backend NAME");
            }
            if (!whatIf && result.GetValue(pool) is { Length: > 0 })
            {
                result.AddError("--pool goes with --with-backend NAME");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var whatIf = parse.GetValue(withBackend);
            if (whatIf is not null && string.IsNullOrWhiteSpace(whatIf))
            {
                throw CliException.Usage("--with-backend needs a backend name, e.g. geometric");
            }
            // Made before anything is read, so a backend that cannot be used fails at once.
            await using var queries = whatIf is null
                ? null
                : TraceQueries.Create(
                    parse.GetValue(pool) is { Length: > 0 } urls ? TraceCommand.PoolUrls(urls) : null,
                    whatIf,
                    TimeSpan.FromSeconds(parse.GetValue(timeout)),
                    "--with-backend");
            List<FleetEvent> events;
            string source;
            if (parse.GetValue(import) is { } file)
            {
                events = await ImportAsync(file, cancellationToken);
                source = file;
            }
            else
            {
                var taskId = parse.GetRequiredValue(task)!;
                using var client = server.CreateClient(parse, context);
                events = await client.GetTaskEventsAsync(taskId, cancellationToken);
                source = $"task {taskId}";
            }
            events.Sort((a, b) => a.Position.CompareTo(b.Position));
            if (queries is not null)
            {
                // The recorded frames' blobs are on the server, also for a history read from a file.
                using var blobs = server.CreateClient(parse, context);
                return await WhatIfReplay.RunAsync(context, blobs, events, whatIf!, queries, cancellationToken);
            }
            if (parse.GetValue(export) is { } target)
            {
                await ExportAsync(target, events, cancellationToken);
                await context.Out.WriteLineAsync($"exported {events.Count} events of {source} to {target}");
                return ExitCodes.Ok;
            }
            await PlayAsync(context, source, events, parse.GetValue(speed), TimeSpan.FromSeconds(parse.GetValue(maxGap)), cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task PlayAsync(CliContext context, string source, List<FleetEvent> events, double speed, TimeSpan maxGap, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            await context.Out.WriteLineAsync($"{source} has no events");
            return;
        }
        var start = events[0].RecordedAt;
        var span = events[^1].RecordedAt - start;
        await context.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture, $"replaying {source}: {events.Count} events over {span:hh\\:mm\\:ss\\.fff} at {speed:0.###}x"));
        for (var i = 0; i < events.Count; i++)
        {
            if (i > 0)
            {
                var gap = (events[i].RecordedAt - events[i - 1].RecordedAt) / speed;
                if (gap > maxGap)
                {
                    gap = maxGap;
                }
                if (gap > TimeSpan.Zero)
                {
                    await Task.Delay(gap, context.Time, cancellationToken);
                }
            }
            var offset = events[i].RecordedAt - start;
            await context.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture, $"+{offset:hh\\:mm\\:ss\\.fff} {events[i].Type,-24} {EventText.Describe(events[i])}"));
        }
    }

    /// <summary>One event a line, the API's JSON; written beside the target and renamed over it, so a reader never sees half a file.</summary>
    private static async Task ExportAsync(string path, List<FleetEvent> events, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var tmp = full + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await using (var writer = new StreamWriter(tmp, append: false, new UTF8Encoding(false)))
            {
                foreach (var recorded in events)
                {
                    await writer.WriteAsync(JsonSerializer.Serialize(recorded, FleetApiJsonContext.Default.FleetEvent).AsMemory(), cancellationToken);
                    await writer.WriteAsync('\n');
                }
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(tmp);
            throw CliException.Usage($"cannot write {path}: {ex.Message}");
        }
    }

    private static async Task<List<FleetEvent>> ImportAsync(string path, CancellationToken cancellationToken)
    {
        string[] lines;
        try
        {
            lines = await File.ReadAllLinesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw CliException.Usage($"cannot read {path}: {ex.Message}");
        }
        var events = new List<FleetEvent>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }
            try
            {
                var recorded = JsonSerializer.Deserialize(lines[i], FleetApiJsonContext.Default.FleetEvent);
                if (recorded is null || string.IsNullOrEmpty(recorded.Type) || string.IsNullOrEmpty(recorded.Stream))
                {
                    throw new JsonException("not a recorded event (stream, type, position, recordedAt, data)");
                }
                events.Add(recorded);
            }
            catch (JsonException ex)
            {
                throw CliException.Usage($"{path}:{i + 1}: {ex.Message}");
            }
        }
        if (events.Count == 0)
        {
            throw CliException.Usage($"{path} holds no events");
        }
        if (events.Select(e => e.Stream).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            throw CliException.Usage($"{path} mixes the events of several streams; replay plays one task's history");
        }
        return events;
    }
}
