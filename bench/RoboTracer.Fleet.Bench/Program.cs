using RoboTracer.Fleet.Bench;

return await BenchCommand.BuildRootCommand().InvokeAsync(args);
