using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Postgres;
using RoboTracer.Fleet.EventStore.Retention;
using RoboTracer.Fleet.EventStore.Sqlite;
using RoboTracer.Fleet.Serialization;

namespace RoboTracer.Fleet.Cli.Commands;

/// <summary>
/// <c>retention</c>: archives and/or drops finished task streams older than a number of days, straight on the
/// event store (<see cref="IEventStore.ApplyRetentionAsync"/>). Only task streams whose last event is terminal
/// qualify (<see cref="FleetEvents.TerminalTaskEventTypes"/>); the store re-checks that inside the transaction
/// that drops them, so running this beside a live orchestrator is safe.
/// </summary>
internal static class RetentionCommand
{
    public static Command Build(CliContext context)
    {
        var store = new Option<string>("--store")
        {
            Description = "The event store: sqlite:PATH or postgres:CONNECTION-STRING",
            Required = true,
            HelpName = "sqlite:PATH|postgres:CONN",
        };
        var olderThan = new Option<double>("--older-than")
        {
            Description = "Only tasks whose last event is at least this many days old",
            Required = true,
            HelpName = "DAYS",
        };
        olderThan.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is var days && (!double.IsFinite(days) || days < 0 || days > 36500))
            {
                result.AddError("--older-than must be a number of days between 0 and 36500");
            }
        });
        var schema = new Option<string>("--schema")
        {
            Description = $"The PostgreSQL schema of the store (the orchestrator's Store:Schema; default {PostgresEventStore.DefaultSchema})",
            DefaultValueFactory = _ => PostgresEventStore.DefaultSchema,
            HelpName = "SCHEMA",
        };
        var archive = new Option<string?>("--archive") { Description = "Write the dropped events to a JSON-lines file in DIR first", HelpName = "DIR" };
        var dryRun = new Option<bool>("--dry-run") { Description = "List what would go; change and write nothing" };
        var command = new Command("retention", "Archive and drop finished tasks' events older than DAYS") { store, schema, olderThan, archive, dryRun };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var dry = parse.GetValue(dryRun);
            var archiveDir = parse.GetValue(archive);
            string? archivePath = null;
            await using var eventStore = await OpenAsync(parse.GetRequiredValue(store), parse.GetRequiredValue(schema), cancellationToken);
            Stream? archiveStream = null;
            try
            {
                if (dry)
                {
                    // Export-only into nothing: the store walks exactly the streams it would drop, and drops none.
                    archiveStream = Stream.Null;
                }
                else if (archiveDir is not null)
                {
                    Directory.CreateDirectory(archiveDir);
                    archivePath = Path.Combine(archiveDir, string.Create(
                        CultureInfo.InvariantCulture, $"fleet-tasks-{context.Time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}.jsonl"));
                    archiveStream = new FileStream(archivePath, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
                }
                var policy = new RetentionPolicy
                {
                    StreamPrefix = FleetStreams.TaskPrefix,
                    TerminalEventTypes = FleetEvents.TerminalTaskEventTypes,
                    MinimumAge = TimeSpan.FromDays(parse.GetValue(olderThan)),
                    Archive = archiveStream,
                    Drop = !dry,
                };
                RetentionResult result;
                try
                {
                    result = await eventStore.ApplyRetentionAsync(policy, cancellationToken);
                }
                catch (EventStoreUnavailableException ex)
                {
                    throw new CliException(ExitCodes.Unreachable, $"the event store went away: {ex.Message}", ex);
                }
                if (archiveStream is FileStream file)
                {
                    await file.DisposeAsync();
                    archiveStream = null;
                    if (result.Streams.Count == 0)
                    {
                        // Nothing archived: no empty file to puzzle over later.
                        File.Delete(archivePath!);
                        archivePath = null;
                    }
                }
                await ReportAsync(context, result, dry, archiveDir, archivePath);
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw CliException.Usage($"--archive {archiveDir}: {ex.Message}");
            }
            finally
            {
                if (archiveStream is FileStream open)
                {
                    await open.DisposeAsync();
                }
            }
        });
        return command;
    }

    private static async Task ReportAsync(CliContext context, RetentionResult result, bool dry, string? archiveDir, string? archivePath)
    {
        const int Shown = 20;
        foreach (var stream in result.Streams.Take(Shown))
        {
            await context.Out.WriteLineAsync($"{(dry ? "would drop" : "dropped")} {stream}");
        }
        if (result.Streams.Count > Shown)
        {
            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"… and {result.Streams.Count - Shown} more"));
        }
        var events = dry ? result.EventsArchived : result.EventsDropped;
        var summary = dry
            ? $"dry run: {result.Streams.Count} finished tasks with {events} events would be {(archiveDir is null ? "dropped" : $"archived to {archiveDir} and dropped")}"
            : $"{result.Streams.Count} finished tasks, {events} events dropped{(archivePath is null ? "" : $", archived to {archivePath}")}";
        await context.Out.WriteLineAsync(summary);
        // Last line: one JSON object for scripts.
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteBoolean("dryRun", dry);
            json.WriteNumber("tasks", result.Streams.Count);
            json.WriteNumber("events", events);
            json.WriteNumber("eventsArchived", dry ? 0 : result.EventsArchived);
            if (archivePath is null)
            {
                json.WriteNull("archive");
            }
            else
            {
                json.WriteString("archive", archivePath);
            }
            json.WriteEndObject();
        }
        await context.Out.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>Opens an existing store; a SQLite path that does not exist is an error, not a new empty database.</summary>
    private static async Task<IEventStore> OpenAsync(string spec, string schema, CancellationToken cancellationToken)
    {
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? "" : spec[..colon].ToLowerInvariant();
        var target = colon < 0 ? "" : spec[(colon + 1)..];
        if (string.IsNullOrWhiteSpace(target))
        {
            kind = "";
        }
        switch (kind)
        {
            case "sqlite":
                if (!File.Exists(target))
                {
                    throw CliException.Usage($"--store: no SQLite event store at {target}");
                }
                return await SqliteEventStore.OpenAsync(target, cancellationToken: cancellationToken);
            case "postgres" or "postgresql":
                try
                {
                    return await PostgresEventStore.OpenAsync(target, schema: schema, cancellationToken: cancellationToken);
                }
                catch (EventStoreUnavailableException ex)
                {
                    throw new CliException(ExitCodes.Unreachable, $"cannot reach PostgreSQL: {ex.Message}", ex);
                }
                catch (ArgumentException ex) when (ex.ParamName == nameof(schema))
                {
                    throw CliException.Usage($"--schema: {ex.Message}");
                }
                catch (ArgumentException ex)
                {
                    throw CliException.Usage($"--store: bad PostgreSQL connection string: {ex.Message}");
                }
            default:
                throw CliException.Usage($"--store must be sqlite:PATH or postgres:CONNECTION-STRING, not '{spec}'");
        }
    }
}
