using System.Text.Json;
using RoboTracer.Fleet.Evaluation;

using RoboTracer.Fleet.Testing;

namespace RoboTracer.Fleet.Cli.Tests;

/// <summary><c>eval make → run → score</c> through a real pool worker on loopback, with an interrupted run resumed.</summary>
public sealed class EvalRunTests : IAsyncLifetime
{
    private const int Samples = 20;
    private readonly TempDirectory _directory = new();
    private InferenceWorker _worker = null!;

    public async Task InitializeAsync() => _worker = await InferenceWorker.StartAsync();

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Interrupted_run_resumes_without_asking_the_worker_again_for_finished_samples()
    {
        var bench = _directory["bench"];
        var make = await FleetCli.RunAsync("eval", "make", "--out", bench, "--samples", "20", "--seed", "11", "--size", "320x240");
        Assert.True(make.ExitCode == 0, make.ToString());
        Assert.Equal(Samples, BenchSet.Load(bench).Samples.Count);
        string[] run = ["eval", "run", "--bench", bench, "--model", "RoboTracer-geo", "--task", "3D", "--pool", _worker.GrpcAddress, "--concurrency", "1"];

        // Act 1: cancel the run (as Ctrl+C does) once the worker has answered 7 samples.
        using var interrupt = new CancellationTokenSource();
        _worker.AfterCall = count =>
        {
            if (count == 7)
            {
                interrupt.Cancel();
            }
        };
        var first = await FleetCli.RunAsync(run, FleetCli.NoEnvironment, cancellationToken: interrupt.Token);

        Assert.True(first.ExitCode == 130, first.ToString());
        Assert.Contains("run the same command again to resume", first.Error, StringComparison.OrdinalIgnoreCase);
        var path = Path.Combine(bench, "outputs", "RoboTracer-geo_3D.jsonl");
        var kept = File.ReadAllLines(path);
        // The answer in flight when the run stopped may or may not have been stored; every one before it was.
        Assert.InRange(kept.Length, 6, 8);
        Assert.False(File.Exists(path + ".tmp"));

        // Act 2: the same command again.
        _worker.AfterCall = null;
        await _worker.ResetCountAsync();
        var second = await FleetCli.RunAsync(run);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(Samples - kept.Length, _worker.TraceCalls);
        var final = File.ReadAllLines(path);
        Assert.Equal(Samples, final.Length);
        foreach (var line in kept)
        {
            Assert.Contains(line, final);
        }
        Assert.Contains($"{Samples}/{Samples} predictions", second.Out, StringComparison.Ordinal);

        // Act 3: score what the worker answered.
        var score = await FleetCli.RunAsync("eval", "score", "--bench", bench, "--model", "RoboTracer-geo", "--task", "3D", "--csv", _directory["scores.csv"]);

        Assert.True(score.ExitCode == 0, score.ToString());
        using var json = JsonDocument.Parse(score.LastLine);
        Assert.Equal(Samples, json.RootElement.GetProperty("samples").GetInt32());
        Assert.Equal(Samples, json.RootElement.GetProperty("scored").GetInt32());
        foreach (var metric in (string[])["start_success", "end_success", "no_collision", "overall_success"])
        {
            Assert.InRange(json.RootElement.GetProperty(metric).GetDouble(), 0, 1);
        }
        // The geometric planner's traces are how the ground truth was made: they end where they should.
        Assert.True(json.RootElement.GetProperty("end_success").GetDouble() >= 0.9, score.LastLine);
        Assert.Equal(Samples + 1, File.ReadAllLines(_directory["scores.csv"]).Length);
    }

    [Fact]
    public async Task A_pool_that_is_down_exits_3_and_says_where_it_looked()
    {
        var bench = _directory["bench-down"];
        Assert.Equal(0, (await FleetCli.RunAsync("eval", "make", "--out", bench, "--samples", "1", "--size", "160x120")).ExitCode);
        var closed = ClosedPort.Url();

        var run = await FleetCli.RunAsync("eval", "run", "--bench", bench, "--model", "RoboTracer", "--task", "2D", "--pool", closed, "--timeout", "5");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains($"cannot reach the inference pool at {closed}", run.Error, StringComparison.Ordinal);
    }
}
