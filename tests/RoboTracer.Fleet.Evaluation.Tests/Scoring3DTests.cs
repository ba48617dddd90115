using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Evaluation.Tests;

public sealed class Scoring3DTests
{
    private static readonly Point3D Start = SceneBuilder.ObjectCentre;
    private static readonly Point3D FarRight = new(0.12, Start.Y, 1.0);

    [Fact]
    public void Carrying_the_object_through_a_wall_is_a_collision()
    {
        var data = SceneBuilder.Build([Start, FarRight], SceneBuilder.UnitBoxAt(FarRight), wall: true);
        var throughWall = SceneBuilder.Answer(Start, new Point3D(0, Start.Y, 1.0), FarRight);

        var score = EvalScorer.Score3D(data, throughWall);

        Assert.True(score.Collision);
        Assert.True(score.MaxCollisionRatio > 0.5, $"ratio {score.MaxCollisionRatio}");
        Assert.True(score.StartSuccess && score.EndSuccess);
        Assert.False(score.Success);
    }

    [Fact]
    public void Lifting_the_object_over_the_wall_is_no_collision()
    {
        var data = SceneBuilder.Build([Start, FarRight], SceneBuilder.UnitBoxAt(FarRight), wall: true);
        var overWall = SceneBuilder.Answer(Start, Start with { Z = 0.6 }, FarRight with { Z = 0.6 }, FarRight);

        var score = EvalScorer.Score3D(data, overWall);

        Assert.False(score.Collision);
        Assert.Equal(0, score.MaxCollisionRatio);
        Assert.True(score.Success);
    }

    [Fact]
    public void Without_the_wall_the_straight_path_is_free()
    {
        var data = SceneBuilder.Build([Start, FarRight], SceneBuilder.UnitBoxAt(FarRight), wall: false);

        var score = EvalScorer.Score3D(data, SceneBuilder.Answer(Start, new Point3D(0, Start.Y, 1.0), FarRight));

        Assert.False(score.Collision);
    }

    [Theory]
    [InlineData(0.19, true)]
    [InlineData(0.21, false)]
    public void Start_succeeds_below_20_cm_from_the_object(double offset, bool success)
    {
        // The ground-truth start is far away, so the distance is the one to the object's cloud (its surface at z = 1).
        var data = SceneBuilder.Build([new Point3D(5, 5, 5), FarRight], SceneBuilder.UnitBoxAt(FarRight), wall: false);
        var start = Start with { Z = 1.0 - offset };

        var score = EvalScorer.Score3D(data, SceneBuilder.Answer(start, start, FarRight));

        Assert.Equal(offset, score.StartDistance!.Value, 3);
        Assert.Equal(success, score.StartSuccess);
    }

    [Fact]
    public void Start_distance_is_the_nearer_of_object_and_ground_truth_start()
    {
        var gtStart = new Point3D(0.3, -0.3, 0.5);
        var data = SceneBuilder.Build([gtStart, FarRight], SceneBuilder.UnitBoxAt(FarRight), wall: false);
        var predicted = gtStart + new Point3D(0.05, 0, 0);

        var score = EvalScorer.Score3D(data, SceneBuilder.Answer(predicted, FarRight));

        Assert.Equal(0.05, score.StartDistance!.Value, 3);
    }

    [Theory]
    [InlineData(0.19, true)]
    [InlineData(0.21, false)]
    public void End_succeeds_below_20_cm_from_the_oriented_box(double gap, bool success)
    {
        // A box rotated 90° about the camera's y axis: its local x (0.4 long) runs along camera z.
        var box = new OrientedBox3D(new Point3D(0.1, 0, 1.5), new Point3D(0.4, 0.1, 0.1), Rotation3D.AboutY(Math.PI / 2));
        var data = SceneBuilder.Build([Start, box.Center], box, wall: false);
        var end = new Point3D(0.1, 0, 1.5 + 0.2 + gap); // 0.2 = half the long side, now along z

        var score = EvalScorer.Score3D(data, SceneBuilder.Answer(Start, end));

        Assert.Equal(gap, score.EndDistance!.Value, 3);
        Assert.Equal(success, score.EndSuccess);
    }

    [Fact]
    public void End_counts_any_of_the_last_three_points()
    {
        var box = SceneBuilder.UnitBoxAt(FarRight);
        var data = SceneBuilder.Build([Start, FarRight], box, wall: false);
        var away = new Point3D(-0.5, -0.5, 3);

        var thirdLastInside = EvalScorer.Score3D(data, SceneBuilder.Answer(Start, FarRight, away, away));
        var fourthLastInside = EvalScorer.Score3D(data, SceneBuilder.Answer(Start, FarRight, away, away, away));

        Assert.Equal(0, thirdLastInside.EndDistance);
        Assert.True(thirdLastInside.EndSuccess);
        Assert.False(fourthLastInside.EndSuccess);
    }

    [Fact]
    public void A_2D_answer_is_not_scored_in_3D_and_fails_overall()
    {
        var data = SceneBuilder.Build([Start, FarRight], SceneBuilder.UnitBoxAt(FarRight), wall: false);

        var score = EvalScorer.Score3D(data, "[(100, 500), (900, 500)]");

        Assert.False(score.Scored);
        Assert.False(score.Success);
        Assert.Contains("depth", score.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Gemini_style_json_answers_parse_as_well()
    {
        var data = SceneBuilder.Build([Start, FarRight], SceneBuilder.UnitBoxAt(FarRight), wall: false);
        var pixel = SceneBuilder.Intrinsics.Project(Start);
        var end = SceneBuilder.Intrinsics.Project(FarRight);
        var json = FormattableString.Invariant(
            $"```json\n[[{pixel.X / 64 * 1000:R}, {pixel.Y / 48 * 1000:R}, 1.0], [{end.X / 64 * 1000:R}, {end.Y / 48 * 1000:R}, 1.0]]\n```");

        var score = EvalScorer.Score3D(data, json);

        Assert.True(score.Success);
    }
}
