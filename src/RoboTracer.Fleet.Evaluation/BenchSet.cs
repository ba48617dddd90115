using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Evaluation;

/// <summary>
/// A TraceSpatial-Bench folder (DESIGN.md §4): <c>trajectory_dataset.json</c> and <c>raw_data/</c>. Loading reads
/// and checks the JSON and that every referenced file exists; <see cref="LoadData"/> decodes one sample's files and
/// checks their sizes. Every error is a <see cref="BenchFormatException"/> naming the sample.
/// </summary>
public sealed class BenchSet
{
    /// <summary>The dataset file's name.</summary>
    public const string DatasetFileName = "trajectory_dataset.json";

    /// <summary>The folder the sample paths are relative to.</summary>
    public const string RawDataFolder = "raw_data";

    private BenchSet(string root, IReadOnlyList<BenchSample> samples)
    {
        Root = root;
        Samples = samples;
    }

    /// <summary>The bench folder.</summary>
    public string Root { get; }

    /// <summary>The samples, in file order.</summary>
    public IReadOnlyList<BenchSample> Samples { get; }

    /// <summary>Full path of a path relative to raw_data.</summary>
    public string RawPath(string relative) => Path.Combine(Root, RawDataFolder, relative);

    /// <summary>Reads and checks <c>trajectory_dataset.json</c> under <paramref name="root"/>.</summary>
    /// <exception cref="BenchFormatException">The file is missing or malformed, or a sample's files are missing.</exception>
    public static BenchSet Load(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var file = Path.Combine(root, DatasetFileName);
        if (!File.Exists(file))
        {
            throw new BenchFormatException($"{file} is missing: a TraceSpatial-Bench folder holds {DatasetFileName} and {RawDataFolder}/.");
        }
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(File.ReadAllText(file));
        }
        catch (JsonException ex)
        {
            throw new BenchFormatException($"{file} is not valid JSON: {ex.Message}", ex);
        }
        if (document is not JsonArray array)
        {
            throw new BenchFormatException($"{file} must hold a JSON array of samples.");
        }
        var samples = new List<BenchSample>(array.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject item)
            {
                throw new BenchFormatException($"{file}: entry {i} is not a JSON object.");
            }
            var sample = ParseSample(item, i);
            if (!ids.Add(sample.Id))
            {
                throw new BenchFormatException($"sample {sample.Id}: the id appears twice in {DatasetFileName}.");
            }
            foreach (var (field, path) in new[] { ("image_path", sample.ImagePath), ("gt_depth_path", sample.DepthPath), ("mask_path", sample.MaskPath) })
            {
                var full = Path.Combine(root, RawDataFolder, path);
                if (!File.Exists(full))
                {
                    throw new BenchFormatException($"sample {sample.Id}: {field} {full} is missing.");
                }
            }
            samples.Add(sample);
        }
        return new BenchSet(root, samples);
    }

    /// <summary>Decodes a sample's image header, depth and mask, and checks that their sizes agree.</summary>
    /// <exception cref="BenchFormatException">A file cannot be decoded, or the sizes or intrinsics disagree.</exception>
    public BenchSampleData LoadData(BenchSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var imagePng = Read(sample, "image_path", sample.ImagePath);
        ImageInfo image;
        DepthImage depth;
        MaskImage mask;
        try
        {
            image = ImageFormat.Sniff(imagePng);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new BenchFormatException($"sample {sample.Id}: image {sample.ImagePath} is not a PNG or JPEG: {ex.Message}", ex);
        }
        try
        {
            depth = DepthImage.FromPng(Read(sample, "gt_depth_path", sample.DepthPath));
        }
        catch (FormatException ex)
        {
            throw new BenchFormatException($"sample {sample.Id}: depth {sample.DepthPath}: {ex.Message}", ex);
        }
        try
        {
            mask = MaskImage.FromPng(Read(sample, "mask_path", sample.MaskPath));
        }
        catch (FormatException ex)
        {
            throw new BenchFormatException($"sample {sample.Id}: mask {sample.MaskPath}: {ex.Message}", ex);
        }
        if (depth.Width != image.Width || depth.Height != image.Height)
        {
            throw new BenchFormatException(
                $"sample {sample.Id}: depth {sample.DepthPath} is {depth.Width}x{depth.Height} but the image is {image.Width}x{image.Height}.");
        }
        if (mask.Width != image.Width || mask.Height != image.Height)
        {
            throw new BenchFormatException(
                $"sample {sample.Id}: mask {sample.MaskPath} is {mask.Width}x{mask.Height} but the image is {image.Width}x{image.Height}.");
        }
        CameraIntrinsics intrinsics;
        try
        {
            intrinsics = CameraIntrinsics.FromMatrix(sample.IntrinsicsMatrix, image.Width, image.Height);
        }
        catch (ArgumentException ex)
        {
            throw new BenchFormatException($"sample {sample.Id}: gt_depth_intrinsics: {ex.Message}", ex);
        }
        return new BenchSampleData(sample, imagePng, image, depth, mask, intrinsics);
    }

    private byte[] Read(BenchSample sample, string field, string relative)
    {
        var full = RawPath(relative);
        try
        {
            return File.ReadAllBytes(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BenchFormatException($"sample {sample.Id}: {field} {full} cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>The text of an id: a JSON string's value or a number's literal.</summary>
    internal static string? IdText(JsonNode? node) => node is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            _ => null,
        }
        : null;

    private static BenchSample ParseSample(JsonObject item, int index)
    {
        var id = IdText(item["id"]) ?? throw new BenchFormatException($"{DatasetFileName}: entry {index} has no \"id\" (a string or a number).");
        string Text(string name)
        {
            return item[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? v.GetValue<string>()
                : throw new BenchFormatException($"sample {id}: \"{name}\" is missing or not a string.");
        }
        double[] Vector(string name, int length)
        {
            var values = Numbers(item[name], id, name);
            return values.Length == length ? values : throw new BenchFormatException($"sample {id}: \"{name}\" has {values.Length} numbers; expected {length}.");
        }
        double[][] Matrix(string name)
        {
            if (item[name] is not JsonArray rows)
            {
                throw new BenchFormatException($"sample {id}: \"{name}\" is missing or not a matrix (a list of rows).");
            }
            return [.. rows.Select((row, r) => Numbers(row, id, $"{name}[{r}]"))];
        }

        var intrinsics = Matrix("gt_depth_intrinsics");
        if (intrinsics.Length is not (3 or 4) || intrinsics.Any(row => row.Length != intrinsics.Length))
        {
            throw new BenchFormatException($"sample {id}: \"gt_depth_intrinsics\" must be 3x3 or 4x4.");
        }
        var trajectory = Matrix("trajectory");
        if (trajectory.Length < 1 || trajectory.Any(p => p.Length != 3))
        {
            throw new BenchFormatException($"sample {id}: \"trajectory\" must be a non-empty list of [x, y, z] points.");
        }
        var center = Vector("bbox_center", 3);
        var extent = Vector("bbox_extent", 3);
        var rotationRows = Matrix("bbox_rotation");
        if (rotationRows.Length != 3 || rotationRows.Any(r => r.Length != 3))
        {
            throw new BenchFormatException($"sample {id}: \"bbox_rotation\" must be 3x3.");
        }
        if (extent.Any(e => e < 0))
        {
            throw new BenchFormatException($"sample {id}: \"bbox_extent\" has a negative side.");
        }
        int? step = item["step"] is JsonValue s && s.GetValueKind() == JsonValueKind.Number ? (int)s.GetValue<double>() : null;
        var category = item["category"] is JsonValue c && c.GetValueKind() == JsonValueKind.String ? c.GetValue<string>() : null;
        return new BenchSample(
            id,
            Text("prompt"),
            Text("target_object"),
            Text("destination|direction"),
            Text("image_path"),
            Text("gt_depth_path"),
            Text("mask_path"),
            intrinsics,
            [.. trajectory.Select(p => new Point3D(p[0], p[1], p[2]))],
            new OrientedBox3D(
                new Point3D(center[0], center[1], center[2]),
                new Point3D(extent[0], extent[1], extent[2]),
                Rotation3D.FromRowMajor([.. rotationRows.SelectMany(r => r)])),
            step,
            category)
        {
            Source = item,
        };
    }

    private static double[] Numbers(JsonNode? node, string id, string name)
    {
        if (node is not JsonArray array)
        {
            throw new BenchFormatException($"sample {id}: \"{name}\" is missing or not a list of numbers.");
        }
        var values = new double[array.Count];
        for (var i = 0; i < values.Length; i++)
        {
            if (array[i] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
            {
                throw new BenchFormatException(
                    string.Create(CultureInfo.InvariantCulture, $"sample {id}: \"{name}\"[{i}] is not a number."));
            }
            values[i] = v.GetValue<double>();
        }
        return values;
    }
}
