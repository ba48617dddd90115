using System.Text.Json.Nodes;
using CsCheck;
using RoboTracer.Fleet.Evaluation;

namespace RoboTracer.Fleet.Testing.Fuzzing;

/// <summary>
/// Generated damage to a TraceSpatial-Bench folder (a field of a sample replaced by any JSON value or removed, the
/// dataset file cut short or replaced, an image, depth or mask file cut or overwritten), and the one rule for what
/// the reader does with it: it loads the set and every sample's data, or refuses with a
/// <see cref="BenchFormatException"/>; never any other exception.
/// </summary>
public static class BenchFileFuzz
{
    /// <summary>
    /// Damages a copy of the valid set in <paramref name="template"/> <paramref name="cases"/> times and reads each;
    /// throws (with the smallest damage CsCheck finds) when the reader fails otherwise. Returns how many loaded and how
    /// many were refused.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, int>> RunAsync(string template, long cases, string? seed = null)
    {
        var dataset = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(template, BenchSet.DatasetFileName)))!.AsArray();
        var fields = dataset.SelectMany(s => s!.AsObject().Select(p => p.Key)).Distinct(StringComparer.Ordinal).ToArray();
        var rawFiles = Directory.GetFiles(Path.Combine(template, BenchSet.RawDataFolder), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(template, f)).Order(StringComparer.Ordinal).ToArray();
        var outcomes = new Dictionary<string, int>();
        await Damage(dataset.Count, fields, rawFiles).SampleAsync(async damage =>
        {
            var folder = Path.Combine(Path.GetTempPath(), "fleet-fuzz-" + Guid.NewGuid().ToString("N"));
            try
            {
                Copy(template, folder);
                await damage.ApplyAsync(folder);
                string outcome;
                try
                {
                    var bench = BenchSet.Load(folder);
                    foreach (var sample in bench.Samples)
                    {
                        bench.LoadData(sample);
                    }
                    outcome = "loaded";
                }
                catch (BenchFormatException)
                {
                    outcome = "refused";
                }
                catch (Exception e)
                {
                    throw new FuzzFailure($"{damage}: the reader threw {e.GetType().Name}: {e.Message}");
                }
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }, seed: seed, iter: cases, threads: 1, print: d => d.ToString());
        return outcomes;
    }

    private static Gen<BenchDamage> Damage(int samples, string[] fields, string[] rawFiles) => Gen.Frequency(
        (4, Gen.Select(Gen.Int[0, samples - 1], Gen.OneOf(fields), RestFuzz.Value, (i, field, value) =>
            new BenchDamage($"sample {i}: {field} = {value?.ToJsonString() ?? "null"}", json => Edit(json, i, o => o[field] = value?.DeepClone()), null))),
        (1, Gen.Select(Gen.Int[0, samples - 1], Gen.OneOf(fields), (i, field) =>
            new BenchDamage($"sample {i}: no {field}", json => Edit(json, i, o => o.Remove(field)), null))),
        (1, Gen.Int[0, 4000].Select(cut =>
            new BenchDamage($"{BenchSet.DatasetFileName} cut at {cut}", json => json[..Math.Min(cut, json.Length)], null))),
        (1, RestFuzz.Value.Select(value =>
            new BenchDamage($"{BenchSet.DatasetFileName} = {value?.ToJsonString() ?? "null"}", _ => value?.ToJsonString() ?? "null", null))),
        (2, Gen.Select(Gen.OneOf(rawFiles), Gen.Int[0, 2000], Gen.Byte.Array[0, 64], (file, at, bytes) =>
            new BenchDamage($"{file}: {bytes.Length} bytes written at {at}, cut after them", null, (file, at, bytes)))));

    private static string Edit(string json, int sample, Action<JsonObject> edit)
    {
        var array = JsonNode.Parse(json)!.AsArray();
        edit(array[sample]!.AsObject());
        return array.ToJsonString();
    }

    private static void Copy(string source, string target)
    {
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
    }

    /// <summary>One damage: to the dataset's text, or to one raw file (bytes written at an offset, the rest cut).</summary>
    private sealed record BenchDamage(string Description, Func<string, string>? Dataset, (string File, int At, byte[] Bytes)? Raw)
    {
        public async Task ApplyAsync(string folder)
        {
            if (Dataset is not null)
            {
                var path = Path.Combine(folder, BenchSet.DatasetFileName);
                await File.WriteAllTextAsync(path, Dataset(await File.ReadAllTextAsync(path)));
            }
            if (Raw is var (file, at, bytes))
            {
                var path = Path.Combine(folder, file);
                var content = await File.ReadAllBytesAsync(path);
                var start = Math.Min(at, content.Length);
                await File.WriteAllBytesAsync(path, [.. content[..start], .. bytes]);
            }
        }

        public override string ToString() => Description;
    }
}
