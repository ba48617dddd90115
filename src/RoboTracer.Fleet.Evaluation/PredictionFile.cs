using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RoboTracer.Fleet.Evaluation;

/// <summary>
/// <c>outputs/{model}_{task}.jsonl</c> in RoboTracer's format: one JSON object a line with <c>question_id</c>,
/// <c>final_prompt</c>, <c>model_prediction</c> and the sample's fields (and <c>error</c> when the query failed).
/// </summary>
public static class PredictionFile
{
    /// <summary>The output path for a model and task under <paramref name="outputDirectory"/>.</summary>
    public static string PathFor(string outputDirectory, string model, EvalTask task) =>
        Path.Combine(outputDirectory, $"{model}_{task.Name()}.jsonl");

    /// <summary>
    /// The records by question id; later lines win. A missing file gives none; lines that are not JSON objects
    /// with a question_id are skipped, as RoboTracer's loader skips them.
    /// </summary>
    public static Dictionary<string, JsonObject> ReadRecords(string path)
    {
        var records = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return records;
        }
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            try
            {
                if (JsonNode.Parse(line) is JsonObject record && BenchSet.IdText(record["question_id"]) is { } id)
                {
                    records[id] = record;
                }
            }
            catch (JsonException)
            {
                // A torn or hand-edited line: skipped, so its sample is re-run.
            }
        }
        return records;
    }

    /// <summary>The predictions by question id, as text (a non-string prediction as its JSON).</summary>
    public static Dictionary<string, string?> ReadPredictions(string path) =>
        ReadRecords(path).ToDictionary(r => r.Key, r => PredictionText(r.Value["model_prediction"]), StringComparer.Ordinal);

    /// <summary>RoboTracer's <c>_is_empty_prediction</c>: missing, null, blank text, or an empty list or object.</summary>
    public static bool IsEmpty(JsonNode? prediction) => prediction switch
    {
        null => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => string.IsNullOrWhiteSpace(v.GetValue<string>()),
        JsonValue v => v.GetValueKind() == JsonValueKind.Null,
        JsonArray a => a.Count == 0,
        JsonObject o => o.Count == 0,
        _ => false,
    };

    /// <summary>
    /// Replaces <paramref name="path"/> with the records, atomically: written to <c>path.tmp</c>, flushed, then
    /// renamed over the old file, so a reader (or a crash) sees the old file or the new one, never a torn one.
    /// </summary>
    public static void WriteAtomic(string path, IEnumerable<JsonObject> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        var tmp = path + ".tmp";
        var options = new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            foreach (var record in records)
            {
                writer.Write(record.ToJsonString(options));
                writer.Write('\n');
            }
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    private static string? PredictionText(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };
}
