namespace RoboTracer.Fleet.Evaluation;

/// <summary>TraceSpatial-Bench's two tasks.</summary>
public enum EvalTask
{
    /// <summary>2D visual trace: pixels.</summary>
    TwoD,

    /// <summary>3D spatial trace: pixels with depth.</summary>
    ThreeD,
}

/// <summary>Names and parsing of <see cref="EvalTask"/>.</summary>
public static class EvalTasks
{
    /// <summary>"2D" or "3D", as the output file names and the JSON use them.</summary>
    public static string Name(this EvalTask task) => task == EvalTask.TwoD ? "2D" : "3D";

    /// <summary>
    /// Parses "2D", "3D" or "all" (case-insensitive). "all" gives 3D then 2D, the order of RoboTracer's
    /// test_benchmark.py.
    /// </summary>
    /// <exception cref="ArgumentException">Anything else.</exception>
    public static IReadOnlyList<EvalTask> Parse(string text) => text?.Trim().ToUpperInvariant() switch
    {
        "2D" => [EvalTask.TwoD],
        "3D" => [EvalTask.ThreeD],
        "ALL" => [EvalTask.ThreeD, EvalTask.TwoD],
        _ => throw new ArgumentException($"unknown task '{text}': expected 2D, 3D or all"),
    };
}
