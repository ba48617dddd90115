namespace RoboTracer.Fleet.Evaluation;

/// <summary>The path metrics of one sample: normalized [0, 1] image units for 2D, metres for 3D.</summary>
/// <param name="Frechet">Discrete Fréchet distance.</param>
/// <param name="Hausdorff">Hausdorff distance.</param>
/// <param name="Rmse">Root mean squared point error.</param>
/// <param name="Mae">Mean absolute coordinate error.</param>
public sealed record PathMetrics(double Frechet, double Hausdorff, double Rmse, double Mae);

/// <summary>One sample's 2D score.</summary>
/// <param name="Id">The sample.</param>
/// <param name="Parsed">False when the prediction held no points (scored as the script does: the point (0, 0)).</param>
/// <param name="StartInMask">The first predicted point is on the object's mask.</param>
/// <param name="EndInBox">One of the last three predicted points is in the destination box's projected bounds.</param>
/// <param name="Path">Path metrics; null when the script would skip the sample (NaN, or Fréchet over 100).</param>
/// <param name="Error">Why the prediction did not parse, if it did not.</param>
public sealed record Sample2DScore(string Id, bool Parsed, bool StartInMask, bool EndInBox, PathMetrics? Path, string? Error);

/// <summary>One sample's 3D score.</summary>
/// <param name="Id">The sample.</param>
/// <param name="Scored">False when the prediction has no points with depth; the sample then fails overall and is left out of the other rates, as in the script.</param>
/// <param name="StartDistance">Metres from the first predicted point to the object's cloud or the ground-truth start, whichever is nearer; null when the object has no points.</param>
/// <param name="EndDistance">Metres from the nearest of the last three predicted points to the destination box.</param>
/// <param name="MaxCollisionRatio">The largest fraction of the object's points in occupied voxels over the predicted points.</param>
/// <param name="Collision">Some predicted point has a ratio over 0.20.</param>
/// <param name="StartSuccess">Start distance below 0.20 m.</param>
/// <param name="EndSuccess">End distance below 0.20 m.</param>
/// <param name="Success">Start and end success and no collision.</param>
/// <param name="Path">Path metrics in metres; null when not scored or skipped as in the script.</param>
/// <param name="Error">Why the sample was not scored, if it was not.</param>
public sealed record Sample3DScore(
    string Id,
    bool Scored,
    double? StartDistance,
    double? EndDistance,
    double MaxCollisionRatio,
    bool Collision,
    bool StartSuccess,
    bool EndSuccess,
    bool Success,
    PathMetrics? Path,
    string? Error);
