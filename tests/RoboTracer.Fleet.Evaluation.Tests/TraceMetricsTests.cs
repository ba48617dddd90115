namespace RoboTracer.Fleet.Evaluation.Tests;

public sealed class TraceMetricsTests
{
    private static double[][] Line(params (double X, double Y)[] points) => [.. points.Select(p => new[] { p.X, p.Y })];

    [Fact]
    public void Frechet_of_parallel_lines_is_their_offset()
    {
        var p = Line((0, 0), (1, 0), (2, 0));
        var q = Line((0, 1), (1, 1), (2, 1));

        Assert.Equal(1.0, TraceMetrics.DiscreteFrechet(p, q), 12);
        Assert.Equal(1.0, TraceMetrics.Hausdorff(p, q), 12);
    }

    [Fact]
    public void Frechet_respects_order_where_Hausdorff_does_not()
    {
        var forward = Line((0, 0), (1, 0), (2, 0));
        var backward = Line((2, 0), (1, 0), (0, 0));

        // The walk must pair the two starts, 2 apart; as point sets the lines are the same.
        Assert.Equal(2.0, TraceMetrics.DiscreteFrechet(forward, backward), 12);
        Assert.Equal(0.0, TraceMetrics.Hausdorff(forward, backward), 12);
    }

    [Fact]
    public void Frechet_and_Hausdorff_of_a_detour_by_hand()
    {
        // ca: [[0, √2, 2], [2, √2, √2]] → √2; Hausdorff: (1, 1) is √2 from both points of p.
        var p = Line((0, 0), (2, 0));
        var q = Line((0, 0), (1, 1), (2, 0));

        Assert.Equal(Math.Sqrt(2), TraceMetrics.DiscreteFrechet(p, q), 12);
        Assert.Equal(Math.Sqrt(2), TraceMetrics.Hausdorff(p, q), 12);
    }

    [Fact]
    public void Rmse_and_mae_as_the_script_defines_them()
    {
        var p = Line((0, 0), (0, 0));
        var q = Line((3, 4), (0, 0));

        var (rmse, mae) = TraceMetrics.RmseMae(p, q);

        Assert.Equal(Math.Sqrt(12.5), rmse, 12); // √(mean of squared distances 25 and 0)
        Assert.Equal(1.75, mae, 12); // mean of per-point coordinate means 3.5 and 0
    }

    [Fact]
    public void Resampling_spaces_points_evenly_by_arc_length()
    {
        var resampled = TraceMetrics.ResampleByArcLength(Line((0, 0), (1, 0), (1, 1)), 5);

        double[][] expected = [[0, 0], [0.5, 0], [1, 0], [1, 0.5], [1, 1]];
        Assert.Equal(5, resampled.Length);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(expected[i][0], resampled[i][0], 12);
            Assert.Equal(expected[i][1], resampled[i][1], 12);
        }
    }

    [Fact]
    public void Resampling_a_zero_length_trace_repeats_its_point_and_a_single_point_is_kept()
    {
        Assert.Equal(100, TraceMetrics.ResampleByArcLength(Line((3, 4), (3, 4))).Length);
        Assert.Single(TraceMetrics.ResampleByArcLength(Line((3, 4))));
    }
}
