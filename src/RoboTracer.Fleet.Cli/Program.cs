using RoboTracer.Fleet.Cli;

return await FleetCommand.RunAsync(args, CliContext.ForProcess());
