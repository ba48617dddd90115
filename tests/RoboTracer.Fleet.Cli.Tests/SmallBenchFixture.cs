namespace RoboTracer.Fleet.Cli.Tests;

/// <summary>One small synthetic bench (6 samples, 320x240) made by <c>fleet eval make</c>, shared by tests that only read it.</summary>
public sealed class SmallBenchFixture : IAsyncLifetime
{
    public const int Samples = 6;

    private readonly TempDirectory _directory = new();

    public string Bench => _directory["bench"];

    public async Task InitializeAsync()
    {
        var run = await FleetCli.RunAsync("eval", "make", "--out", Bench, "--samples", "6", "--seed", "3", "--size", "320x240");
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"eval make failed: {run}");
        }
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
