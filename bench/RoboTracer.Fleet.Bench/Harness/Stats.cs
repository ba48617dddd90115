namespace RoboTracer.Fleet.Bench.Harness;

/// <summary>The few statistics the benchmarks report.</summary>
internal static class Stats
{
    /// <summary>The median; the mean of the two middle values for an even count.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("No values.", nameof(values));
        }
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>
    /// The nearest-rank percentile (the smallest value with at least <paramref name="percent"/>% of the values at
    /// or below it) of values sorted ascending.
    /// </summary>
    public static T Percentile<T>(ReadOnlySpan<T> sorted, double percent)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("No values.", nameof(sorted));
        }
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    /// <summary>Each run's value, rounded, for a result line's <c>per_run</c>: the spread behind the median.</summary>
    public static System.Text.Json.Nodes.JsonArray PerRun(IEnumerable<double> values, int digits = 0) =>
        new(values.Select(value => (System.Text.Json.Nodes.JsonNode?)Math.Round(value, digits)).ToArray());
}
