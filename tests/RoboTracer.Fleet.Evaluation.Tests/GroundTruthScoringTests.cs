namespace RoboTracer.Fleet.Evaluation.Tests;

public sealed class GroundTruthScoringTests(SyntheticSetFixture set) : IClassFixture<SyntheticSetFixture>
{
    private Dictionary<string, string?> GroundTruthAnswers() => set.Bench.Samples.ToDictionary(
        s => s.Id,
        s => (string?)BenchSetWriter.GroundTruthAnswer(s, set.Bench.LoadData(s).Intrinsics));

    [Fact]
    public async Task Ground_truth_as_3D_prediction_scores_full_end_success_and_no_collision()
    {
        var score = await EvalScorer.ScoreAsync(set.Bench, GroundTruthAnswers(), EvalTask.ThreeD, degreeOfParallelism: 4);

        Assert.Equal(SyntheticSetFixture.Samples, score.Samples);
        Assert.Equal(SyntheticSetFixture.Samples, score.Scored);
        Assert.Equal(1.0, score["end_success"]);
        Assert.Equal(1.0, score["no_collision"]);
        Assert.Equal(1.0, score["start_success"]);
        Assert.Equal(1.0, score["overall_success"]);
        Assert.True(score["frechet_m"] < 0.01, $"Fréchet {score["frechet_m"]} m against itself");
    }

    [Fact]
    public async Task Ground_truth_as_2D_prediction_ends_in_the_projected_box()
    {
        var score = await EvalScorer.ScoreAsync(set.Bench, GroundTruthAnswers(), EvalTask.TwoD, degreeOfParallelism: 4);

        Assert.Equal(1.0, score["end_in_bbox"]);
        Assert.True(score["frechet"] < 0.005, $"normalized Fréchet {score["frechet"]} against itself");
    }

    [Fact]
    public async Task Parallel_and_sequential_scoring_agree()
    {
        var answers = GroundTruthAnswers();
        // Perturb half the answers so that the samples differ.
        foreach (var id in answers.Keys.Where((_, i) => i % 2 == 0).ToList())
        {
            answers[id] = "[(100, 100, 0.5), (900, 900, 3.0)]";
        }

        var parallel = await EvalScorer.ScoreAsync(set.Bench, answers, EvalTask.ThreeD, degreeOfParallelism: 4);
        var sequential = await EvalScorer.ScoreAsync(set.Bench, answers, EvalTask.ThreeD, degreeOfParallelism: 1);

        Assert.Equal(sequential.ToJson(), parallel.ToJson());
        Assert.Equal(sequential.Samples3D, parallel.Samples3D);
        Assert.True(parallel["overall_success"] < 1.0);
    }

    [Fact]
    public void Synthetic_samples_have_2_to_8_steps_and_readable_files()
    {
        foreach (var sample in set.Bench.Samples)
        {
            Assert.InRange(sample.Step!.Value, 2, 8);
            Assert.Contains(sample.TargetObject, sample.Prompt, StringComparison.Ordinal);
            Assert.StartsWith("pick up the ", sample.Prompt, StringComparison.Ordinal);
            var data = set.Bench.LoadData(sample);
            Assert.True(data.Mask.Count > 0);
            Assert.True(sample.Trajectory.Count >= 4);
        }
        Assert.Contains(set.Bench.Samples, s => s.IntrinsicsMatrix.Count == 4);
        Assert.Contains(set.Bench.Samples, s => s.IntrinsicsMatrix.Count == 3);
    }
}
