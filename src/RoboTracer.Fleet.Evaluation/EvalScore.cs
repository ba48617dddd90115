using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RoboTracer.Fleet.Evaluation;

/// <summary>
/// The score of one task over a bench: the per-sample scores and the summary, as rates in 0–1 and mean path
/// metrics. Rates follow the script: 2D rates and 3D overall success are over all samples; 3D start, end and
/// no-collision rates are over the samples whose prediction could be scored (had points with depth).
/// </summary>
public sealed class EvalScore
{
    private EvalScore(EvalTask task, IReadOnlyList<Sample2DScore> twoD, IReadOnlyList<Sample3DScore> threeD)
    {
        Task = task;
        Samples2D = twoD;
        Samples3D = threeD;
    }

    /// <summary>The task scored.</summary>
    public EvalTask Task { get; }

    /// <summary>Per-sample 2D scores, in bench order (empty for 3D).</summary>
    public IReadOnlyList<Sample2DScore> Samples2D { get; }

    /// <summary>Per-sample 3D scores, in bench order (empty for 2D).</summary>
    public IReadOnlyList<Sample3DScore> Samples3D { get; }

    /// <summary>Samples scored.</summary>
    public int Samples => Task == EvalTask.TwoD ? Samples2D.Count : Samples3D.Count;

    /// <summary>Samples whose prediction parsed (2D) or had depth on every point (3D).</summary>
    public int Scored => Task == EvalTask.TwoD ? Samples2D.Count(s => s.Parsed) : Samples3D.Count(s => s.Scored);

    /// <summary>The summary metrics by their JSON names, in output order.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Metrics { get; private init; } = [];

    /// <summary>One metric by its JSON name.</summary>
    /// <exception cref="KeyNotFoundException">No metric has that name for this task.</exception>
    public double this[string name] => Metrics.First(m => m.Key == name).Value;

    internal static EvalScore From2D(IReadOnlyList<Sample2DScore> samples)
    {
        var n = Math.Max(samples.Count, 1);
        var paths = samples.Where(s => s.Path is not null).Select(s => s.Path!).ToList();
        return new EvalScore(EvalTask.TwoD, samples, [])
        {
            Metrics =
            [
                new("start_in_mask", samples.Count(s => s.StartInMask) / (double)n),
                new("end_in_bbox", samples.Count(s => s.EndInBox) / (double)n),
                .. PathMeans(paths, ""),
            ],
        };
    }

    internal static EvalScore From3D(IReadOnlyList<Sample3DScore> samples)
    {
        var scored = samples.Where(s => s.Scored).ToList();
        var m = Math.Max(scored.Count, 1);
        var paths = scored.Where(s => s.Path is not null).Select(s => s.Path!).ToList();
        return new EvalScore(EvalTask.ThreeD, [], samples)
        {
            Metrics =
            [
                new("start_success", scored.Count(s => s.StartSuccess) / (double)m),
                new("end_success", scored.Count(s => s.EndSuccess) / (double)m),
                new("no_collision", scored.Count == 0 ? 0 : scored.Count(s => !s.Collision) / (double)m),
                new("overall_success", samples.Count(s => s.Success) / (double)Math.Max(samples.Count, 1)),
                .. PathMeans(paths, "_m"),
            ],
        };
    }

    /// <summary>The one-line JSON object: <c>task</c>, <c>samples</c>, <c>scored</c>, then the metrics.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("task", Task.Name());
            writer.WriteNumber("samples", Samples);
            writer.WriteNumber("scored", Scored);
            foreach (var (name, value) in Metrics)
            {
                writer.WriteNumber(name, Math.Round(value, 6));
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A plain-text summary table, one metric a line.</summary>
    public string FormatTable()
    {
        var builder = new StringBuilder();
        builder.AppendLine(CultureInfo.InvariantCulture, $"TraceSpatial-Bench {Task.Name()}: {Samples} samples, {Scored} scored");
        foreach (var (name, value) in Metrics)
        {
            builder.AppendLine(CultureInfo.InvariantCulture, $"  {name,-16} {value,10:F4}");
        }
        return builder.ToString();
    }

    /// <summary>Writes the per-sample CSV (header row, then one row per sample in bench order).</summary>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (Task == EvalTask.TwoD)
        {
            writer.WriteLine("id,parsed,start_in_mask,end_in_bbox,frechet,hausdorff,rmse,mae,error");
            foreach (var s in Samples2D)
            {
                writer.WriteLine(string.Join(',', Csv(s.Id), Flag(s.Parsed), Flag(s.StartInMask), Flag(s.EndInBox),
                    Number(s.Path?.Frechet), Number(s.Path?.Hausdorff), Number(s.Path?.Rmse), Number(s.Path?.Mae), Csv(s.Error)));
            }
            return;
        }
        writer.WriteLine("id,scored,start_distance_m,end_distance_m,max_collision_ratio,collision,start_success,end_success,success,frechet_m,hausdorff_m,rmse_m,mae_m,error");
        foreach (var s in Samples3D)
        {
            writer.WriteLine(string.Join(',', Csv(s.Id), Flag(s.Scored), Number(s.StartDistance), Number(s.EndDistance), Number(s.MaxCollisionRatio),
                Flag(s.Collision), Flag(s.StartSuccess), Flag(s.EndSuccess), Flag(s.Success),
                Number(s.Path?.Frechet), Number(s.Path?.Hausdorff), Number(s.Path?.Rmse), Number(s.Path?.Mae), Csv(s.Error)));
        }
    }

    /// <summary>Writes the per-sample CSV to a file.</summary>
    public void WriteCsv(string path)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        WriteCsv(writer);
    }

    private static IEnumerable<KeyValuePair<string, double>> PathMeans(List<PathMetrics> paths, string suffix)
    {
        // As the script: the mean over the samples that have path metrics, 0 when none has.
        double Mean(Func<PathMetrics, double> f) => paths.Count == 0 ? 0 : paths.Average(f);
        yield return new("frechet" + suffix, Mean(p => p.Frechet));
        yield return new("hausdorff" + suffix, Mean(p => p.Hausdorff));
        yield return new("rmse" + suffix, Mean(p => p.Rmse));
        yield return new("mae" + suffix, Mean(p => p.Mae));
    }

    private static string Flag(bool value) => value ? "1" : "0";

    private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    private static string Csv(string? text) =>
        text is null ? "" : text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
}
