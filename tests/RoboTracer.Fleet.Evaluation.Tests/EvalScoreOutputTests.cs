using System.Text.Json;

namespace RoboTracer.Fleet.Evaluation.Tests;

public sealed class EvalScoreOutputTests(SyntheticSetFixture set) : IClassFixture<SyntheticSetFixture>
{
    [Theory]
    [InlineData(EvalTask.ThreeD, new[] { "start_success", "end_success", "no_collision", "overall_success", "frechet_m", "hausdorff_m", "rmse_m", "mae_m" })]
    [InlineData(EvalTask.TwoD, new[] { "start_in_mask", "end_in_bbox", "frechet", "hausdorff", "rmse", "mae" })]
    public async Task Json_line_has_samples_and_the_task_metrics_and_csv_has_a_row_per_sample(EvalTask task, string[] metrics)
    {
        var empty = new Dictionary<string, string?>();

        var score = await EvalScorer.ScoreAsync(set.Bench, empty, task);
        using var json = JsonDocument.Parse(score.ToJson());
        var csv = new StringWriter();
        score.WriteCsv(csv);

        Assert.Equal(SyntheticSetFixture.Samples, json.RootElement.GetProperty("samples").GetInt32());
        Assert.Equal(["task", "samples", "scored", .. metrics], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(SyntheticSetFixture.Samples + 1, csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains(metrics[0], score.FormatTable(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_predictions_fail_every_3D_sample()
    {
        var score = await EvalScorer.ScoreAsync(set.Bench, new Dictionary<string, string?>(), EvalTask.ThreeD);

        Assert.Equal(0, score.Scored);
        Assert.Equal(0.0, score["overall_success"]);
        Assert.All(score.Samples3D, s => Assert.Equal("empty prediction", s.Error));
    }
}
