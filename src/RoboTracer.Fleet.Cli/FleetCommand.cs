using System.CommandLine;
using RoboTracer.Fleet.Cli.Api;
using RoboTracer.Fleet.Cli.Commands;

namespace RoboTracer.Fleet.Cli;

/// <summary>
/// The <c>fleet</c> command tree (DESIGN.md §4). Program.cs and the tests both go through <see cref="RunAsync"/>,
/// so what the tests drive is what users run.
/// </summary>
internal static class FleetCommand
{
    /// <summary>The root command with every subcommand, writing to and reading from <paramref name="context"/>.</summary>
    public static RootCommand BuildRootCommand(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = new RootCommand($"""
            fleet: submit and follow RoboTracer.Fleet tasks, query pool workers, evaluate on TraceSpatial-Bench.

            {ExitCodes.Help}
            """);
        root.Subcommands.Add(TaskCommands.BuildSubmit(context));
        root.Subcommands.Add(TaskCommands.BuildTasks(context));
        root.Subcommands.Add(TaskCommands.BuildCancel(context));
        root.Subcommands.Add(RobotsCommand.Build(context));
        root.Subcommands.Add(WatchCommand.Build(context));
        root.Subcommands.Add(ReplayCommand.Build(context));
        root.Subcommands.Add(TraceCommand.Build(context));
        root.Subcommands.Add(EvalCommands.Build(context));
        root.Subcommands.Add(RetentionCommand.Build(context));
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. Parse errors exit with <see cref="ExitCodes.Usage"/> (System.CommandLine
    /// would use 1, which scripts here read as "the task failed"); a <see cref="CliException"/> prints its message
    /// to stderr and exits with its code; cancellation exits with <see cref="ExitCodes.Interrupted"/>.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parse = BuildRootCommand(context).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await context.Error.WriteLineAsync($"fleet: {error.Message}");
            }
            await context.Error.WriteLineAsync("Run 'fleet --help' or 'fleet COMMAND --help' for usage.");
            return ExitCodes.Usage;
        }
        var invocation = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = context.HandlesTermination ? TimeSpan.FromSeconds(5) : null,
        };
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (FleetApiException ex)
        {
            await context.Error.WriteLineAsync($"fleet: {ex.Message}");
            return ex.ExitCode;
        }
        catch (CliException ex)
        {
            await context.Error.WriteLineAsync($"fleet: {ex.Message}");
            return ex.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await context.Error.WriteLineAsync("fleet: interrupted");
            return ExitCodes.Interrupted;
        }
    }
}
