using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RoboTracer.Fleet.Evaluation;

namespace RoboTracer.Fleet.Cli.Tests;

/// <summary><c>eval score</c>: ground truth as predictions, every answer shape models write, and the summary it prints.</summary>
public sealed class EvalScoreTests(SmallBenchFixture fixture) : IClassFixture<SmallBenchFixture>, IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Ground_truth_as_3D_predictions_scores_full_end_success_and_no_collision()
    {
        var predictions = WritePredictions("gt.jsonl", points => Tuples(points, depth: true));

        var run = await FleetCli.RunAsync("eval", "score", "--bench", fixture.Bench, "--predictions", predictions, "--task", "3D", "--csv", _directory["gt.csv"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.LastLine);
        var root = json.RootElement;
        Assert.Equal(SmallBenchFixture.Samples, root.GetProperty("samples").GetInt32());
        Assert.Equal(1.0, root.GetProperty("end_success").GetDouble());
        Assert.Equal(1.0, root.GetProperty("no_collision").GetDouble());
        Assert.Equal(1.0, root.GetProperty("overall_success").GetDouble());
        foreach (var metric in (string[])["start_success", "frechet_m", "hausdorff_m", "rmse_m", "mae_m"])
        {
            Assert.True(root.TryGetProperty(metric, out _), metric);
        }
        Assert.True(root.GetProperty("frechet_m").GetDouble() < 0.01, run.LastLine);
        Assert.Contains("end_success", run.Out, StringComparison.Ordinal);
        var csv = File.ReadAllLines(_directory["gt.csv"]);
        Assert.Equal(SmallBenchFixture.Samples + 1, csv.Length);
        Assert.StartsWith("id,scored,", csv[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ground_truth_as_2D_predictions_ends_in_the_box_and_prints_the_2D_metrics()
    {
        var predictions = WritePredictions("gt2d.jsonl", points => Tuples(points, depth: false));

        var run = await FleetCli.RunAsync("eval", "score", "--bench", fixture.Bench, "--predictions", predictions, "--task", "2D");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.LastLine);
        Assert.Equal(1.0, json.RootElement.GetProperty("end_in_bbox").GetDouble());
        foreach (var metric in (string[])["start_in_mask", "frechet", "hausdorff", "rmse", "mae"])
        {
            Assert.True(json.RootElement.TryGetProperty(metric, out _), metric);
        }
    }

    public static TheoryData<string, string, bool> AnswerShapes => new()
    {
        // shape, task, whether every sample's answer is read as the ground truth
        { "robotracer-3d-tuples", "3D", true },
        { "json-fenced-3d", "3D", true },
        { "json-bare-3d", "3D", true },
        { "think-then-tuples-3d", "3D", true },
        { "think-quoting-points-then-fenced-json-3d", "3D", true },
        { "prose-around-json-3d", "3D", true },
        { "robotracer-2d-tuples", "2D", true },
        { "json-fenced-2d", "2D", true },
        { "json-bare-2d", "2D", true },
        { "garbage", "3D", false },
        { "garbage", "2D", false },
        { "unclosed-think", "3D", false },
        { "empty", "3D", false },
        { "2d-answer-for-3d", "3D", false },
    };

    [Theory]
    [MemberData(nameof(AnswerShapes))]
    public async Task Every_answer_shape_is_parsed_or_scored_as_a_miss(string shape, string task, bool readable)
    {
        var predictions = WritePredictions($"{shape}.jsonl", points => Shape(shape, points));

        var run = await FleetCli.RunAsync("eval", "score", "--bench", fixture.Bench, "--predictions", predictions, "--task", task);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.LastLine);
        var root = json.RootElement;
        var end = root.GetProperty(task == "3D" ? "end_success" : "end_in_bbox").GetDouble();
        if (readable)
        {
            Assert.Equal(SmallBenchFixture.Samples, root.GetProperty("scored").GetInt32());
            Assert.Equal(1.0, end);
        }
        else
        {
            Assert.Equal(0, root.GetProperty("scored").GetInt32());
            Assert.Equal(0.0, end);
        }
    }

    private static string Shape(string shape, IReadOnlyList<(double X, double Y, double D)> p) => shape switch
    {
        "robotracer-3d-tuples" => Tuples(p, depth: true),
        "json-fenced-3d" => $"```json\n{JsonList(p, depth: true)}\n```",
        "json-bare-3d" => JsonList(p, depth: true),
        "think-then-tuples-3d" => $"<think>The object is near (500, 500). Lift it, carry it, set it down.</think>\n{Tuples(p, depth: true)}",
        "think-quoting-points-then-fenced-json-3d" => $"<think>first guess [(1, 1, 0.5), (2, 2, 0.5)] is wrong</think>Answer:\n```json\n{JsonList(p, depth: true)}\n```",
        "prose-around-json-3d" => $"Sure. The key points are {JsonList(p, depth: true)}. Let me know if you need more.",
        "robotracer-2d-tuples" => Tuples(p, depth: false),
        "json-fenced-2d" => $"```json\n{JsonList(p, depth: false)}\n```",
        "json-bare-2d" => JsonList(p, depth: false),
        "garbage" => "I am sorry, I cannot see a cup in this image.",
        "unclosed-think" => $"<think>the trace should go {Tuples(p, depth: true)} but let me check the",
        "empty" => "",
        "2d-answer-for-3d" => Tuples(p, depth: false),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
    };

    /// <summary>Writes a predictions file whose answer for each sample is <paramref name="answer"/> of its ground truth (0–1000 x, y and metres).</summary>
    private string WritePredictions(string name, Func<IReadOnlyList<(double X, double Y, double D)>, string> answer)
    {
        var bench = BenchSet.Load(fixture.Bench);
        var lines = bench.Samples.Select(sample =>
        {
            var k = bench.LoadData(sample).Intrinsics;
            var points = sample.Trajectory.Select(t =>
            {
                var pixel = SceneGeometry.Project(t, k);
                return (pixel.X / k.Width * 1000, pixel.Y / k.Height * 1000, t.Z);
            }).ToList();
            return new JsonObject { ["question_id"] = sample.Id, ["model_prediction"] = answer(points) }.ToJsonString();
        });
        var path = _directory[name];
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string Tuples(IReadOnlyList<(double X, double Y, double D)> points, bool depth) =>
        "[" + string.Join(", ", points.Select(p => depth ? Invariant($"({p.X:0.###}, {p.Y:0.###}, {p.D:0.####})") : Invariant($"({p.X:0.###}, {p.Y:0.###})"))) + "]";

    private static string JsonList(IReadOnlyList<(double X, double Y, double D)> points, bool depth) =>
        "[" + string.Join(", ", points.Select(p => depth ? Invariant($"[{p.X:0.###}, {p.Y:0.###}, {p.D:0.####}]") : Invariant($"[{p.X:0.###}, {p.Y:0.###}]"))) + "]";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
