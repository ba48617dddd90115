namespace RoboTracer.Fleet.Cli.Tests;

/// <summary>Runs the real command tree (<see cref="FleetCommand.RunAsync"/>) in this process over string writers.</summary>
internal static class FleetCli
{
    /// <summary>An environment with no FLEET_* variables, so the machine's own settings never leak into a test.</summary>
    public static readonly IReadOnlyDictionary<string, string?> NoEnvironment = new Dictionary<string, string?>();

    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(args, NoEnvironment);

    public static async Task<CliRun> RunAsync(
        string[] args, IReadOnlyDictionary<string, string?> environment, TimeProvider? time = null, CancellationToken cancellationToken = default, bool interactive = false)
    {
        // Synchronized: progress callbacks and Spectre may write from pool threads.
        var output = new StringWriter();
        var error = new StringWriter();
        var syncOut = TextWriter.Synchronized(output);
        var syncError = TextWriter.Synchronized(error);
        var context = CliContext.ForWriters(syncOut, syncError, environment, time, interactive);
        var exitCode = await FleetCommand.RunAsync(args, context, cancellationToken);
        await syncOut.FlushAsync(CancellationToken.None);
        await syncError.FlushAsync(CancellationToken.None);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }
}
