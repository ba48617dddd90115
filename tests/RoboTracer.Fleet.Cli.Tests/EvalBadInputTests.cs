namespace RoboTracer.Fleet.Cli.Tests;

/// <summary>Bad invocations of <c>eval</c>: a clear message on stderr, a non-zero exit, and nothing written.</summary>
public sealed class EvalBadInputTests(SmallBenchFixture fixture) : IClassFixture<SmallBenchFixture>, IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Run_on_a_missing_bench_folder_exits_2_and_creates_nothing()
    {
        var missing = _directory["no-such-bench"];

        var run = await FleetCli.RunAsync("eval", "run", "--bench", missing, "--model", "RoboTracer", "--task", "3D");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"--bench {missing} does not exist", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
        Assert.Empty(run.Out);
    }

    [Theory]
    [InlineData("run", "--task", "4D", "--task must be 2D, 3D or all, not '4D'")]
    [InlineData("run", "--model", "GPT4o", "--model GPT4o: RoboTracer's evaluation prompts model names containing RoboTracer, Gemini or Qwen")]
    [InlineData("run", "--concurrency", "0", "--concurrency must be between 1 and 256")]
    [InlineData("run", "--pool", "localhost:50051", "--pool localhost:50051 is not an http(s) URL")]
    [InlineData("run", "--backend", "openai", "unknown in-process backend 'openai'")]
    [InlineData("score", "--task", "all", "--task must be 2D or 3D, not 'all'")]
    [InlineData("score", "--predictions", "/nonexistent/preds.jsonl", "--predictions /nonexistent/preds.jsonl does not exist")]
    [InlineData("score", "--model", "Qwen-never-run", "no predictions at")]
    public async Task A_bad_option_exits_2_with_a_clear_message_and_leaves_the_bench_as_it_was(string command, string option, string value, string message)
    {
        var before = Snapshot();
        List<string> args = command == "run"
            ? ["eval", "run", "--bench", fixture.Bench, "--model", "RoboTracer", "--task", "3D"]
            : ["eval", "score", "--bench", fixture.Bench, "--task", "3D", "--csv", _directory["scores.csv"]];
        if (command == "score" && option != "--model" && option != "--predictions")
        {
            args.AddRange(["--predictions", _directory["any.jsonl"]]);
            File.WriteAllText(_directory["any.jsonl"], "");
        }
        // A later occurrence of an option replaces the earlier one for single-valued options.
        var i = args.IndexOf(option);
        if (i >= 0)
        {
            args[i + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var run = await FleetCli.RunAsync([.. args]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot());
        Assert.False(File.Exists(_directory["scores.csv"]));
    }

    [Fact]
    public async Task Score_needs_exactly_one_of_model_and_predictions()
    {
        var neither = await FleetCli.RunAsync("eval", "score", "--bench", fixture.Bench, "--task", "3D");
        var both = await FleetCli.RunAsync("eval", "score", "--bench", fixture.Bench, "--task", "3D", "--model", "RoboTracer", "--predictions", "x.jsonl");

        Assert.Equal(2, neither.ExitCode);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--model NAME or --predictions FILE", neither.Error, StringComparison.Ordinal);
        Assert.Contains("--model NAME or --predictions FILE", both.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_bench_names_the_file_and_exits_2()
    {
        var bench = _directory["broken"];
        Directory.CreateDirectory(bench);
        File.WriteAllText(Path.Combine(bench, "trajectory_dataset.json"), "[{\"id\": 1, \"prompt\": ");

        var run = await FleetCli.RunAsync("eval", "score", "--bench", bench, "--model", "RoboTracer", "--task", "3D");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("trajectory_dataset.json is not valid JSON", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(bench, "outputs")));
    }

    [Fact]
    public async Task Make_refuses_to_overwrite_a_bench_without_force()
    {
        var before = Snapshot();

        var run = await FleetCli.RunAsync("eval", "make", "--out", fixture.Bench, "--samples", "2");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("pass --force to overwrite it", run.Error, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Unknown_commands_and_options_exit_2()
    {
        var unknown = await FleetCli.RunAsync("evaluate");
        var option = await FleetCli.RunAsync("eval", "make", "--out", _directory["x"], "--frobnicate");

        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal(2, option.ExitCode);
        Assert.Contains("--frobnicate", option.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_directory["x"]));
    }

    private List<string> Snapshot() =>
        [.. Directory.EnumerateFiles(fixture.Bench, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => $"{f} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f):O}")];
}
