namespace RoboTracer.Fleet.Cli.Tests;

/// <summary>How <c>eval run</c> shows progress: plain lines on stderr for logs, a progress bar on a terminal.</summary>
public sealed class EvalProgressTests(SmallBenchFixture fixture) : IClassFixture<SmallBenchFixture>, IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Without_a_terminal_progress_is_one_plain_line_per_sample_on_stderr()
    {
        var run = await FleetCli.RunAsync("eval", "run", "--bench", fixture.Bench, "--model", "RoboTracer", "--task", "2D", "--outputs", _directory.Path, "--concurrency", "1");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Error.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal($"2D 0/{SmallBenchFixture.Samples}", lines[0]);
        Assert.Equal($"2D {SmallBenchFixture.Samples}/{SmallBenchFixture.Samples} (sample {SmallBenchFixture.Samples - 1})", lines[^1]);
        Assert.DoesNotContain('\u001b', run.Out + run.Error);
        Assert.Equal([$"2D: {SmallBenchFixture.Samples}/{SmallBenchFixture.Samples} predictions in {Path.Combine(_directory.Path, "RoboTracer_2D.jsonl")} (0 kept, {SmallBenchFixture.Samples} run, 0 failed)"], run.Lines);
    }

    [Fact]
    public async Task On_a_terminal_progress_is_a_bar_and_the_results_follow_it()
    {
        var run = await FleetCli.RunAsync(
            ["eval", "run", "--bench", fixture.Bench, "--model", "Qwen2.5-VL", "--task", "3D", "--outputs", _directory.Path],
            FleetCli.NoEnvironment,
            interactive: true);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Qwen2.5-VL 3D", run.Out, StringComparison.Ordinal);
        Assert.Contains("100%", run.Out, StringComparison.Ordinal);
        Assert.Empty(run.Error);
        // The bar's last frame ends with "show cursor" (ESC [?25h) and no newline; the summary comes right after it.
        Assert.Matches(@"^(\u001b\[\?25h)?3D: 6/6 predictions in ", run.LastLine);
    }
}
