using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RoboTracer.Fleet.Cli.Api;
using RoboTracer.Fleet.Cli.Output;

namespace RoboTracer.Fleet.Cli.Commands;

/// <summary><c>robots</c>: the fleet's robots, their connection, battery and current step.</summary>
internal static class RobotsCommand
{
    public static Command Build(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print the API's JSON array instead of a table" };
        var command = new Command("robots", "List robots") { json };
        var server = ServerOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = server.CreateClient(parse, context);
            var robots = await client.ListRobotsAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(robots, FleetApiJsonContext.Default.ListRobotView));
                return ExitCodes.Ok;
            }
            if (robots.Count == 0)
            {
                await context.Out.WriteLineAsync("no robots");
                return ExitCodes.Ok;
            }
            var table = Tables.Create("ID", "KIND", "SCENE", "CONNECTION", "BATTERY", "TASK", "STEP", "HEARTBEAT");
            foreach (var robot in robots)
            {
                var step = robot.CurrentStep is { } s
                    ? string.Create(CultureInfo.InvariantCulture, $"{s.StepIndex + 1} {s.State} {(s.Progress is { } p ? $"{p * 100:0}%" : "")}").Trim()
                    : "";
                Tables.AddRow(
                    table, robot.Id, robot.Kind, robot.SceneId, robot.Connection,
                    robot.Battery is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b * 100:0}%") : "",
                    robot.CurrentStep?.TaskId ?? robot.ReservedBy, step, Tables.Time(robot.LastHeartbeat));
            }
            context.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
