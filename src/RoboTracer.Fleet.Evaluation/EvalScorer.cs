using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Vision.Answers;

namespace RoboTracer.Fleet.Evaluation;

/// <summary>
/// Scores predictions on a bench with the definitions of RoboTracer's <c>summarize_acc.py</c> (Zhoues/RoboTracer,
/// Evaluation/); <see cref="Score2D"/> and <see cref="Score3D"/> give each definition. Samples are scored in
/// parallel. The 3D collision test fuses the depth into a TSDF as the script does (<see cref="ObstacleOccupancy"/>),
/// to Open3D's float32 arithmetic; BENCHMARKS.md (eval, "Parity with summarize_acc.py") records the check. Where
/// this differs from the script, deliberately:
/// <list type="bullet">
/// <item>Answers are parsed with the pool's <see cref="TraceAnswerParser"/> for every model family (RoboTracer
/// tuples; Gemini/Qwen JSON lists, fenced or bare; the last list wins). The script uses a tuple regex for
/// RoboTracer (every tuple in the text) and, for Gemini/Qwen, only a ```-fenced JSON block (every numeric 2/3-list
/// in it); answers that quote points while reasoning, or unfenced JSON, can therefore score differently.</item>
/// <item>Arithmetic is double rather than float32; a failing step (no object points, no box) is a failed metric
/// rather than a printed warning. The script's 3D run also prints 2D metrics derived from the 3D answer ("not
/// reported in the paper"); that is not computed here.</item>
/// <item>A bench sample with no prediction line is scored as an empty prediction; the script scores only the
/// lines present.</item>
/// </list>
/// </summary>
public static class EvalScorer
{
    /// <summary>Start and end success thresholds, metres.</summary>
    public const double SuccessThresholdMetres = 0.20;

    /// <summary>Path metrics of a sample whose Fréchet distance exceeds this are left out of the means (the script's outlier filter).</summary>
    public const double FrechetOutlierLimit = 100;

    /// <summary>
    /// Scores every sample of <paramref name="bench"/>: a sample with no entry in <paramref name="predictions"/>
    /// (keyed by sample id) is scored as an empty prediction. Samples are scored on up to
    /// <paramref name="degreeOfParallelism"/> threads; the result lists them in bench order either way.
    /// </summary>
    /// <exception cref="BenchFormatException">A sample's files cannot be read.</exception>
    public static async Task<EvalScore> ScoreAsync(
        BenchSet bench,
        IReadOnlyDictionary<string, string?> predictions,
        EvalTask task,
        int degreeOfParallelism = -1,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bench);
        ArgumentNullException.ThrowIfNull(predictions);
        var samples = bench.Samples;
        var twoD = new Sample2DScore[task == EvalTask.TwoD ? samples.Count : 0];
        var threeD = new Sample3DScore[task == EvalTask.ThreeD ? samples.Count : 0];
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = degreeOfParallelism > 0 ? degreeOfParallelism : Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, samples.Count), options, (i, _) =>
        {
            var data = bench.LoadData(samples[i]);
            var prediction = predictions.TryGetValue(samples[i].Id, out var p) ? p : null;
            if (task == EvalTask.TwoD)
            {
                twoD[i] = Score2D(data, prediction);
            }
            else
            {
                threeD[i] = Score3D(data, prediction);
            }
            return ValueTask.CompletedTask;
        });
        return task == EvalTask.TwoD ? EvalScore.From2D(twoD) : EvalScore.From3D(threeD);
    }

    /// <summary>Scores a predictions file (<c>outputs/{model}_{task}.jsonl</c>) against the bench; see <see cref="ScoreAsync"/>.</summary>
    public static Task<EvalScore> ScoreFileAsync(
        BenchSet bench, string predictionsPath, EvalTask task, int degreeOfParallelism = -1, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(predictionsPath))
        {
            throw new FileNotFoundException($"predictions file {predictionsPath} is missing", predictionsPath);
        }
        return ScoreAsync(bench, PredictionFile.ReadPredictions(predictionsPath), task, degreeOfParallelism, cancellationToken);
    }

    /// <summary>
    /// The script's 2D scoring (<c>compute_accuracy_2d</c>): predicted x, y (0–1000) to pixels by ×W/1000, ×H/1000
    /// (fewer than 2 points: the one point twice, or (0, 0) twice when there is none); the ground truth is the
    /// trajectory projected with the intrinsics; start in mask = the first predicted pixel, rounded, on the mask;
    /// end in box = any of the last 3 predicted pixels (the last, with fewer than 3) within the pixel bounds of
    /// the destination box's 8 projected corners; path metrics on both traces resampled to 100 points by arc
    /// length and divided by (W, H).
    /// </summary>
    public static Sample2DScore Score2D(BenchSampleData data, string? prediction)
    {
        ArgumentNullException.ThrowIfNull(data);
        var intrinsics = data.Intrinsics;
        double w = intrinsics.Width, h = intrinsics.Height;
        var parsed = TryParse(prediction, out var answer, out var error);
        List<Point2D> pixels = parsed
            ? [.. answer!.Points.Select(p => new Point2D(p.X / 1000.0 * w, p.Y / 1000.0 * h))]
            : [];
        if (pixels.Count == 0)
        {
            pixels = [default, default];
        }
        else if (pixels.Count == 1)
        {
            pixels = [pixels[0], pixels[0]];
        }
        var gt = data.Sample.Trajectory.Select(p => SceneGeometry.Project(p, intrinsics)).ToList();

        var startInMask = SceneGeometry.InMask(pixels[0], data.Mask);
        var endInBox = EndInProjectedBox(pixels, data.Sample.DestinationBox, intrinsics);
        var path = PathOf(
            [.. pixels.Select(p => new[] { p.X / w, p.Y / h })],
            [.. gt.Select(p => new[] { p.X / w, p.Y / h })]);
        return new Sample2DScore(data.Sample.Id, parsed, startInMask, endInBox, path, error);
    }

    /// <summary>
    /// The script's 3D scoring (<c>compute_accuracy_3d</c>): the prediction must have a depth on every point;
    /// points are back-projected from (x, y) 0–1000 and d metres; start distance = min(distance to the object's
    /// cleaned cloud, distance to the ground-truth start); end distance = the smallest distance from the last 3
    /// predicted points (the last, with fewer) to the oriented destination box; collision = the object's cloud,
    /// moved along the predicted points (not resampled), has more than 20 % of its points in occupied voxels at
    /// some point; path metrics on both traces resampled to 100 points, in metres.
    /// </summary>
    public static Sample3DScore Score3D(BenchSampleData data, string? prediction)
    {
        ArgumentNullException.ThrowIfNull(data);
        var sample = data.Sample;
        if (!TryParse(prediction, out var answer, out var error))
        {
            return NotScored(sample.Id, error!);
        }
        if (!answer!.HasDepth)
        {
            return NotScored(sample.Id, "the prediction has no depth: a 3D trace needs (x, y, d) points");
        }
        var intrinsics = data.Intrinsics;
        var predicted = answer.Points.Select(p => SceneGeometry.BackProjectNormalized(p.X, p.Y, p.Depth!.Value, intrinsics)).ToList();
        var path = PathOf([.. predicted.Select(TraceMetrics.ToVector)], [.. sample.Trajectory.Select(TraceMetrics.ToVector)]);

        var objectCloud = SceneGeometry.ObjectCloud(data.Depth, data.Mask, intrinsics);
        double? startDistance = objectCloud.Length == 0
            ? null
            : Math.Min(Vision.Spatial.PointCloud.NearestDistance(predicted[0], objectCloud), predicted[0].DistanceTo(sample.Trajectory[0]));
        var endDistance = LastThree(predicted).Min(p => sample.DestinationBox.DistanceTo(p));

        var obstacles = SceneGeometry.ObstacleGrid(data.Depth, data.Mask, intrinsics);
        var ratios = SceneGeometry.CollisionRatios(obstacles, objectCloud, predicted);
        var maxRatio = ratios.Length == 0 ? 0 : ratios.Max();
        var collision = maxRatio > SceneGeometry.CollisionRatioThreshold;

        var startSuccess = startDistance < SuccessThresholdMetres;
        var endSuccess = endDistance < SuccessThresholdMetres;
        return new Sample3DScore(
            sample.Id, true, startDistance, endDistance, maxRatio, collision,
            startSuccess, endSuccess, startSuccess && endSuccess && !collision, path, null);
    }

    private static Sample3DScore NotScored(string id, string error) =>
        new(id, false, null, null, 0, false, false, false, false, null, error);

    private static bool TryParse(string? prediction, out ParsedAnswer? answer, out string? error)
    {
        if (string.IsNullOrWhiteSpace(prediction))
        {
            answer = null;
            error = "empty prediction";
            return false;
        }
        if (!TraceAnswerParser.TryParse(prediction, out answer, out error) || answer is null || answer.Points.Count == 0)
        {
            error ??= "no points in the prediction";
            return false;
        }
        return true;
    }

    private static IEnumerable<T> LastThree<T>(IReadOnlyList<T> points) =>
        points.Count >= 3 ? points.Skip(points.Count - 3) : points.Skip(points.Count - 1);

    private static bool EndInProjectedBox(IReadOnlyList<Point2D> pixels, OrientedBox3D box, Vision.CameraIntrinsics intrinsics)
    {
        var (uMin, vMin, uMax, vMax) = SceneGeometry.ProjectBox(box, intrinsics);
        return LastThree(pixels).Any(p => p.X >= uMin && p.X <= uMax && p.Y >= vMin && p.Y <= vMax);
    }

    private static PathMetrics? PathOf(double[][] predicted, double[][] groundTruth)
    {
        if (predicted.Length == 0 || groundTruth.Length == 0 || predicted.Concat(groundTruth).Any(p => p.Any(v => !double.IsFinite(v))))
        {
            return null;
        }
        var p = TraceMetrics.ResampleByArcLength(predicted);
        var q = TraceMetrics.ResampleByArcLength(groundTruth);
        var frechet = TraceMetrics.DiscreteFrechet(p, q);
        if (frechet > FrechetOutlierLimit)
        {
            return null;
        }
        var (rmse, mae) = TraceMetrics.RmseMae(p, q);
        return new PathMetrics(frechet, TraceMetrics.Hausdorff(p, q), rmse, mae);
    }
}
