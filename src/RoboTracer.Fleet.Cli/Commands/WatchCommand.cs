using System.CommandLine;
using System.Globalization;
using RoboTracer.Fleet.Cli.Output;

namespace RoboTracer.Fleet.Cli.Commands;

/// <summary><c>watch</c>: the fleet's live event feed (<c>/api/stream</c>), or one task's until it ends.</summary>
internal static class WatchCommand
{
    public static Command Build(CliContext context)
    {
        var after = new Option<long?>("--after") { Description = "Start after this event position (default: where the server starts the stream)", HelpName = "POSITION" };
        var task = new Option<string?>("--task")
        {
            Description = "Only this task's events (its id, or a unique start of it); stop when it ends (exit 0 completed, 1 failed or cancelled)",
            HelpName = "TASK",
        };
        var command = new Command("watch", "Print fleet events as they are recorded, until Ctrl+C") { after, task };
        var server = ServerOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = server.CreateClient(parse, context);
            if (parse.GetValue(task) is { } taskId)
            {
                var (_, exitCode) = await TaskFollower.FollowAsync(client, taskId, context, cancellationToken);
                return exitCode;
            }
            try
            {
                await foreach (var recorded in client.StreamAsync(parse.GetValue(after), cancellationToken))
                {
                    await context.Out.WriteLineAsync(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{recorded.Position,8} {recorded.RecordedAt.UtcDateTime:HH:mm:ss.fff} {recorded.Stream} {EventText.Describe(recorded)}"));
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C is how a live feed ends: not an error.
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
