using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Evaluation;

/// <summary>
/// The path metrics of RoboTracer's <c>summarize_acc.py</c> (Zhoues/RoboTracer, Evaluation/), with its
/// definitions: arc-length resampling, discrete Fréchet distance, symmetric Hausdorff distance over the points,
/// RMSE (root of the mean squared point-to-point distance) and MAE (mean over points of the mean absolute
/// per-coordinate difference). Points are 2D or 3D vectors as <c>double[]</c>; all of one call have the same length.
/// The script computes in float32; these compute in double, so results agree to float32 precision.
/// </summary>
public static class TraceMetrics
{
    /// <summary>The number of points both traces are resampled to before the path metrics (the script's <c>max_len</c>).</summary>
    public const int ResampledPoints = 100;

    /// <summary>
    /// Resamples a polyline to <paramref name="count"/> points evenly spaced by arc length, first and last points
    /// kept. As the script: a trace of fewer than 2 points (or a count below 2) is returned unchanged, and a trace of
    /// zero length becomes <paramref name="count"/> copies of its first point.
    /// </summary>
    public static double[][] ResampleByArcLength(IReadOnlyList<double[]> trace, int count = ResampledPoints)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (trace.Count < 2 || count <= 1)
        {
            return [.. trace.Select(p => (double[])p.Clone())];
        }
        var cumulative = new double[trace.Count];
        for (var i = 1; i < trace.Count; i++)
        {
            cumulative[i] = cumulative[i - 1] + Distance(trace[i - 1], trace[i]);
        }
        var total = cumulative[^1];
        if (total <= 1e-12)
        {
            return [.. Enumerable.Range(0, count).Select(_ => (double[])trace[0].Clone())];
        }
        var result = new double[count][];
        var segment = 1;
        for (var k = 0; k < count; k++)
        {
            var target = k == count - 1 ? total : total * k / (count - 1);
            while (segment < trace.Count - 1 && cumulative[segment] < target)
            {
                segment++;
            }
            var a = trace[segment - 1];
            var b = trace[segment];
            var length = cumulative[segment] - cumulative[segment - 1];
            // A zero-length segment cannot hold the target strictly inside it; take its end, as interp1d does.
            var t = length > 0 ? Math.Clamp((target - cumulative[segment - 1]) / length, 0, 1) : 1;
            var point = new double[a.Length];
            for (var d = 0; d < a.Length; d++)
            {
                point[d] = a[d] + ((b[d] - a[d]) * t);
            }
            result[k] = point;
        }
        return result;
    }

    /// <summary>The discrete Fréchet distance (Eiter and Mannila) between two point sequences.</summary>
    /// <exception cref="ArgumentException">Either sequence is empty.</exception>
    public static double DiscreteFrechet(IReadOnlyList<double[]> p, IReadOnlyList<double[]> q)
    {
        CheckNonEmpty(p, q);
        // Row by row: ca[i, j] = max(min(ca[i-1, j], ca[i-1, j-1], ca[i, j-1]), d(i, j)).
        var previous = new double[q.Count];
        var current = new double[q.Count];
        for (var i = 0; i < p.Count; i++)
        {
            for (var j = 0; j < q.Count; j++)
            {
                var d = Distance(p[i], q[j]);
                current[j] = (i, j) switch
                {
                    (0, 0) => d,
                    (0, _) => Math.Max(current[j - 1], d),
                    (_, 0) => Math.Max(previous[0], d),
                    _ => Math.Max(Math.Min(Math.Min(previous[j], previous[j - 1]), current[j - 1]), d),
                };
            }
            (previous, current) = (current, previous);
        }
        return previous[q.Count - 1];
    }

    /// <summary>The symmetric Hausdorff distance between two point sets: the larger of the two directed distances.</summary>
    /// <exception cref="ArgumentException">Either set is empty.</exception>
    public static double Hausdorff(IReadOnlyList<double[]> p, IReadOnlyList<double[]> q)
    {
        CheckNonEmpty(p, q);
        return Math.Max(DirectedHausdorff(p, q), DirectedHausdorff(q, p));
    }

    /// <summary>
    /// RMSE and MAE of two aligned sequences, as the script: RMSE = √(mean over i of |p_i − q_i|²); MAE = mean over
    /// i of the mean over coordinates of |p_i − q_i|. Only the common prefix is compared (the script requires equal
    /// lengths, which resampling guarantees).
    /// </summary>
    public static (double Rmse, double Mae) RmseMae(IReadOnlyList<double[]> p, IReadOnlyList<double[]> q)
    {
        CheckNonEmpty(p, q);
        var n = Math.Min(p.Count, q.Count);
        double squared = 0, absolute = 0;
        for (var i = 0; i < n; i++)
        {
            double rowAbsolute = 0;
            for (var d = 0; d < p[i].Length; d++)
            {
                var diff = p[i][d] - q[i][d];
                squared += diff * diff;
                rowAbsolute += Math.Abs(diff);
            }
            absolute += rowAbsolute / p[i].Length;
        }
        return (Math.Sqrt(squared / n), absolute / n);
    }

    /// <summary>The point as a 3-vector.</summary>
    public static double[] ToVector(Point3D point) => [point.X, point.Y, point.Z];

    /// <summary>The point as a 2-vector.</summary>
    public static double[] ToVector(Point2D point) => [point.X, point.Y];

    private static double DirectedHausdorff(IReadOnlyList<double[]> from, IReadOnlyList<double[]> to)
    {
        double worst = 0;
        foreach (var a in from)
        {
            var nearest = double.PositiveInfinity;
            foreach (var b in to)
            {
                nearest = Math.Min(nearest, Distance(a, b));
            }
            worst = Math.Max(worst, nearest);
        }
        return worst;
    }

    private static double Distance(double[] a, double[] b)
    {
        double sum = 0;
        for (var d = 0; d < a.Length; d++)
        {
            var diff = a[d] - b[d];
            sum += diff * diff;
        }
        return Math.Sqrt(sum);
    }

    private static void CheckNonEmpty(IReadOnlyList<double[]> p, IReadOnlyList<double[]> q)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        if (p.Count == 0 || q.Count == 0)
        {
            throw new ArgumentException("path metrics need two non-empty traces");
        }
    }
}
