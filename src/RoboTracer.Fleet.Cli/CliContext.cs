using Spectre.Console;

namespace RoboTracer.Fleet.Cli;

/// <summary>
/// Everything a command reads from or writes to outside its arguments: output, environment, clock. The process
/// gets the real ones (<see cref="ForProcess"/>); tests build one over string writers (<see cref="ForWriters"/>),
/// so they drive the same command tree in-process.
/// </summary>
internal sealed class CliContext
{
    /// <summary>Standard output, for lines scripts read (ids, JSON); written as is, never wrapped.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error: messages for people.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Spectre's console over <see cref="Out"/>, for tables and progress bars.</summary>
    public required IAnsiConsole Console { get; init; }

    /// <summary>True when a person watches a terminal: progress bars instead of progress lines.</summary>
    public required bool Interactive { get; init; }

    /// <summary>Environment variables (FLEET_SERVER, FLEET_API_TOKEN).</summary>
    public required Func<string, string?> Environment { get; init; }

    /// <summary>The clock replay waits on.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Whether System.CommandLine should turn Ctrl+C/SIGTERM into cancellation (the process only, not in-process tests).</summary>
    public bool HandlesTermination { get; init; }

    public static CliContext ForProcess()
    {
        var console = AnsiConsole.Console;
        // COLUMNS, as shells export it, wins over what the terminal says (and is all there is when output is piped).
        if (Columns(System.Environment.GetEnvironmentVariable("COLUMNS")) is { } columns)
        {
            console.Profile.Width = columns;
        }
        return new CliContext
        {
            Out = System.Console.Out,
            Error = System.Console.Error,
            Console = console,
            Interactive = !System.Console.IsOutputRedirected && console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi,
            Environment = System.Environment.GetEnvironmentVariable,
            HandlesTermination = true,
        };
    }

    /// <summary>
    /// A context writing to <paramref name="output"/> and <paramref name="error"/> 200 columns wide (or COLUMNS of the
    /// environment) with the
    /// given environment; plain text, or, when <paramref name="interactive"/>, ANSI as a terminal would get it.
    /// </summary>
    public static CliContext ForWriters(
        TextWriter output, TextWriter error, IReadOnlyDictionary<string, string?>? environment = null, TimeProvider? time = null, bool interactive = false)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            // No CI/terminal detection: the output must not depend on where the tests run.
            Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
        });
        var variables = environment ?? new Dictionary<string, string?>();
        console.Profile.Width = Columns(variables.GetValueOrDefault("COLUMNS")) ?? 200;
        return new CliContext
        {
            Out = output,
            Error = error,
            Console = console,
            Interactive = interactive,
            Environment = name => variables.TryGetValue(name, out var value) ? value : null,
            Time = time ?? TimeProvider.System,
        };
    }

    /// <summary>A usable <c>COLUMNS</c> value (20 or more), or null.</summary>
    private static int? Columns(string? text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var columns) && columns >= 20 ? columns : null;
}
