using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Evaluation.Tests;

public sealed class Scoring2DTests
{
    private static readonly Point3D Start = SceneBuilder.ObjectCentre;
    private static readonly Point3D End = new(0.12, Start.Y, 1.0);

    private static string Pixels(params (double U, double V)[] points) =>
        $"[{string.Join(", ", points.Select(p => FormattableString.Invariant($"({p.U / 64 * 1000:R}, {p.V / 48 * 1000:R})")))}]";

    [Fact]
    public void Start_in_mask_and_end_in_the_projected_box()
    {
        var data = SceneBuilder.Build([Start, End], SceneBuilder.UnitBoxAt(End), wall: false);
        var end = SceneBuilder.Intrinsics.Project(End);

        var hit = EvalScorer.Score2D(data, Pixels((10, 24), (30, 10), (end.X, end.Y)));
        var miss = EvalScorer.Score2D(data, Pixels((40, 5), (30, 10), (2, 2)));

        Assert.True(hit.StartInMask);
        Assert.True(hit.EndInBox);
        Assert.False(miss.StartInMask);
        Assert.False(miss.EndInBox);
    }

    [Fact]
    public void Path_metrics_are_normalized_by_image_size()
    {
        var data = SceneBuilder.Build([Start, End], SceneBuilder.UnitBoxAt(End), wall: false);
        var s = SceneBuilder.Intrinsics.Project(Start);
        var e = SceneBuilder.Intrinsics.Project(End);

        // The ground truth shifted down by 4.8 px = 0.1 of the image height.
        var score = EvalScorer.Score2D(data, Pixels((s.X, s.Y + 4.8), (e.X, e.Y + 4.8)));

        Assert.Equal(0.1, score.Path!.Frechet, 6);
        Assert.Equal(0.1, score.Path.Hausdorff, 6);
        Assert.Equal(0.1, score.Path.Rmse, 6);
        Assert.Equal(0.05, score.Path.Mae, 6);
    }

    [Fact]
    public void An_unparseable_answer_is_scored_as_the_origin_like_the_script()
    {
        var data = SceneBuilder.Build([Start, End], SceneBuilder.UnitBoxAt(End), wall: false);

        var score = EvalScorer.Score2D(data, "I cannot see the cube.");

        Assert.False(score.Parsed);
        Assert.False(score.StartInMask);
        Assert.NotNull(score.Path);
        Assert.NotNull(score.Error);
    }
}
