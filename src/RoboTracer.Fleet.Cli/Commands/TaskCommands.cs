using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RoboTracer.Fleet.Cli.Api;
using RoboTracer.Fleet.Cli.Output;
using RoboTracer.Fleet.Domain.Tasks;

namespace RoboTracer.Fleet.Cli.Commands;

/// <summary><c>submit</c>, <c>tasks</c> and <c>cancel</c>: tasks through the orchestrator's REST API (CONTRACT.md).</summary>
internal static class TaskCommands
{
    public static Command BuildSubmit(CliContext context)
    {
        var instruction = new Argument<string>("instruction") { Description = "What to do, e.g. \"put the cup in the sink, then wipe the table\"" };
        var robot = new Option<string?>("--robot") { Description = "The robot to use (default: the fleet chooses)", HelpName = "ROBOT" };
        var watch = new Option<bool>("--watch") { Description = "Follow the task until it ends; exit 0 when it completed, 1 when it failed or was cancelled" };
        var command = new Command("submit", "Submit a task; prints its id") { instruction, robot, watch };
        var server = ServerOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var text = parse.GetRequiredValue(instruction);
            if (string.IsNullOrWhiteSpace(text))
            {
                throw CliException.Usage("the instruction is empty");
            }
            using var client = server.CreateClient(parse, context);
            var taskId = await client.SubmitAsync(text, parse.GetValue(robot), cancellationToken);
            // The id alone on the first line, so that `id=$(fleet submit ... | head -1)` works with --watch too.
            await context.Out.WriteLineAsync(taskId);
            if (!parse.GetValue(watch))
            {
                return ExitCodes.Ok;
            }
            var (_, exitCode) = await TaskFollower.FollowAsync(client, taskId, context, cancellationToken);
            return exitCode;
        });
        return command;
    }

    public static Command BuildTasks(CliContext context)
    {
        var phase = new Option<string?>("--phase")
        {
            Description = $"Only tasks in this phase: {string.Join(", ", Enum.GetNames<TaskPhase>())}",
            HelpName = "PHASE",
        };
        phase.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is not null && !Enum.TryParse<TaskPhase>(value, ignoreCase: true, out _))
            {
                result.AddError($"--phase must be one of {string.Join(", ", Enum.GetNames<TaskPhase>())}, not '{value}'");
            }
        });
        var json = new Option<bool>("--json") { Description = "Print the API's JSON array instead of a table" };
        var command = new Command("tasks", "List tasks, newest first") { phase, json };
        var server = ServerOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var wanted = parse.GetValue(phase) is { } p ? Enum.Parse<TaskPhase>(p, ignoreCase: true).ToString() : null;
            using var client = server.CreateClient(parse, context);
            var tasks = await client.ListTasksAsync(wanted, cancellationToken);
            if (parse.GetValue(json))
            {
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(tasks, FleetApiJsonContext.Default.ListTaskView));
                return ExitCodes.Ok;
            }
            if (tasks.Count == 0)
            {
                await context.Out.WriteLineAsync(wanted is null ? "no tasks" : $"no tasks in phase {wanted}");
                return ExitCodes.Ok;
            }
            // Ids as git shows commits: the shortest start (8 characters or more) that tells them apart, which every
            // command that takes a task accepts; --json has them whole.
            var idLength = Tables.UniquePrefixLength(tasks.Select(t => t.Id).ToList(), minimum: 8);
            var table = Tables.Create("ID", "PHASE", "ROBOT", "STEPS", "SUBMITTED", "INSTRUCTION");
            foreach (var task in tasks)
            {
                var done = task.Steps?.Count(s => s.Phase == nameof(StepPhase.Succeeded)) ?? 0;
                var steps = task.Steps is { Count: > 0 } list ? string.Create(CultureInfo.InvariantCulture, $"{done}/{list.Count}") : "";
                Tables.AddRow(table, task.Id[..Math.Min(idLength, task.Id.Length)], task.Phase, task.RobotId, steps, Tables.Time(task.SubmittedAt), task.Instruction);
            }
            context.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command BuildCancel(CliContext context)
    {
        var task = new Argument<string>("task") { Description = "The task's id, or a unique start of it (at least 4 characters)" };
        var command = new Command("cancel", "Cancel a task") { task };
        var server = ServerOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = server.CreateClient(parse, context);
            var view = await client.CancelTaskAsync(parse.GetRequiredValue(task), cancellationToken);
            await context.Out.WriteLineAsync($"task {view.Id} is {view.Phase}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
