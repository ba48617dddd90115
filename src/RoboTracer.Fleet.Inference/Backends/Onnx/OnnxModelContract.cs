using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RoboTracer.Fleet.Inference.Backends.Onnx;

/// <summary>One model input the contract knows, as the model declares it.</summary>
/// <param name="Name">The tensor's name in the model.</param>
/// <param name="Dimensions">Its declared shape; -1 for a dynamic (symbolic or unknown) dimension.</param>
internal sealed record OnnxTensorSlot(string Name, int[] Dimensions);

/// <summary>
/// How a model fits the backend's contract (Backends/Onnx/README.md): which input plays which role, the sizes it
/// fixes, and whether its batch dimension is dynamic. <see cref="Read"/> checks everything that can be checked
/// without running the model, so a model that does not fit is refused at load, never at the first request.
/// </summary>
internal sealed record OnnxModelContract(
    OnnxTensorSlot Image,
    OnnxTensorSlot? Depth,
    OnnxTensorSlot? Intrinsics,
    OnnxTensorSlot? Prompt,
    OnnxTensorSlot? PromptMask,
    string PointsOutput,
    int PointWidth,
    bool DynamicBatch,
    float[] Mean,
    float[] Std,
    long PadId,
    string? TokenizerPath)
{
    /// <summary>Metadata keys of the contract (ONNX <c>metadata_props</c>).</summary>
    public const string ImageKey = "robotracer.input.image";
    /// <summary>See <see cref="ImageKey"/>.</summary>
    public const string DepthKey = "robotracer.input.depth";
    /// <summary>See <see cref="ImageKey"/>.</summary>
    public const string IntrinsicsKey = "robotracer.input.intrinsics";
    /// <summary>See <see cref="ImageKey"/>.</summary>
    public const string PromptKey = "robotracer.input.prompt";
    /// <summary>See <see cref="ImageKey"/>.</summary>
    public const string PromptMaskKey = "robotracer.input.prompt_mask";
    /// <summary>See <see cref="ImageKey"/>.</summary>
    public const string PointsKey = "robotracer.output.points";
    /// <summary>See <see cref="ImageKey"/>.</summary>
    public const string TokenizerKey = "robotracer.tokenizer";
    /// <summary>See <see cref="ImageKey"/>.</summary>
    public const string PadIdKey = "robotracer.prompt.pad_id";
    /// <summary>See <see cref="ImageKey"/>.</summary>
    public const string MeanKey = "robotracer.image.mean";
    /// <summary>See <see cref="ImageKey"/>.</summary>
    public const string StdKey = "robotracer.image.std";

    /// <summary>The image height the model fixes, or null when any height goes.</summary>
    public int? Height => Image.Dimensions[2] > 0 ? Image.Dimensions[2] : null;

    /// <summary>The image width the model fixes, or null when any width goes.</summary>
    public int? Width => Image.Dimensions[3] > 0 ? Image.Dimensions[3] : null;

    /// <summary>The prompt length the model fixes, or null when prompts are padded to the longest of a batch.</summary>
    public int? PromptLength => Prompt is { } p && p.Dimensions[1] > 0 ? p.Dimensions[1] : PromptMask is { } m && m.Dimensions[1] > 0 ? m.Dimensions[1] : null;

    /// <summary>The inputs in the order the backend feeds them.</summary>
    public IEnumerable<OnnxTensorSlot> Inputs => new[] { Image, Depth, Intrinsics, Prompt, PromptMask }.OfType<OnnxTensorSlot>();

    /// <summary>
    /// Reads the contract of a loaded model: names from <paramref name="names"/> (configuration), else the model's
    /// metadata, else the conventional names; then every input, its element type, rank and fixed sizes, and the
    /// output. Throws <see cref="OnnxModelException"/> listing every problem found.
    /// </summary>
    public static OnnxModelContract Read(
        string modelPath,
        IReadOnlyDictionary<string, NodeMetadata> inputs,
        IReadOnlyDictionary<string, NodeMetadata> outputs,
        IReadOnlyDictionary<string, string> metadata,
        OnnxTensorNames names,
        string? tokenizer)
    {
        var problems = new List<string>();
        var assigned = new HashSet<string>(StringComparer.Ordinal);
        OnnxTensorSlot? Input(string role, string key, string? configured, string conventional, TensorElementType type, params int[] fixedDims)
        {
            var (name, source) = Resolve(configured, key, conventional, metadata);
            if (!inputs.TryGetValue(name, out var node))
            {
                if (source is not null)
                {
                    problems.Add($"{source} names '{name}' as the {role} input, but the model has no input '{name}' (its inputs: {string.Join(", ", inputs.Keys)})");
                }
                return null;
            }
            assigned.Add(name);
            CheckTensor(problems, "input", name, node, type, fixedDims);
            return new OnnxTensorSlot(name, node.Dimensions);
        }

        // Expected dimensions: -1 batch (checked apart), 0 any size, >0 that size.
        var image = Input("image", ImageKey, names.Image, "image", TensorElementType.Float, -1, 3, 0, 0);
        var depth = Input("depth", DepthKey, names.Depth, "depth", TensorElementType.Float, -1, 1, 0, 0);
        var intrinsics = Input("intrinsics", IntrinsicsKey, names.Intrinsics, "intrinsics", TensorElementType.Float, -1, 3, 3);
        var prompt = Input("prompt", PromptKey, names.Prompt, "prompt_ids", TensorElementType.Int64, -1, 0);
        var mask = Input("prompt mask", PromptMaskKey, names.PromptMask, "prompt_mask", TensorElementType.Int64, -1, 0);
        if (image is null && !problems.Any(p => p.Contains("as the image input", StringComparison.Ordinal)))
        {
            problems.Add($"the model has no image input: name it 'image', or declare its name in the metadata ({ImageKey}) or in Tensors:Image (its inputs: {string.Join(", ", inputs.Keys)})");
        }
        foreach (var unknown in inputs.Keys.Where(name => !assigned.Contains(name)))
        {
            problems.Add($"input '{unknown}' plays no role of the contract (image, depth, intrinsics, prompt, prompt mask); declare its role in the metadata (robotracer.input.*) or remove it");
        }
        if (image is not null && depth is not null)
        {
            SameSize(problems, image, depth, 2, "height");
            SameSize(problems, image, depth, 3, "width");
        }
        if (mask is not null && prompt is null)
        {
            problems.Add($"input '{mask.Name}' is a prompt mask, but the model takes no prompt ids");
        }
        if (prompt is not null && mask is not null && prompt.Dimensions.Length == 2 && mask.Dimensions.Length == 2 && prompt.Dimensions[1] != mask.Dimensions[1])
        {
            problems.Add($"prompt '{prompt.Name}' and mask '{mask.Name}' have different lengths ({Describe(prompt.Dimensions)} and {Describe(mask.Dimensions)})");
        }

        var (outputName, outputSource) = Resolve(names.Points, PointsKey, "points", metadata);
        var pointWidth = 0;
        int[]? outputDims = null;
        if (!outputs.TryGetValue(outputName, out var output))
        {
            problems.Add($"{outputSource ?? "the contract's conventional name"} names '{outputName}' as the points output, but the model has no output '{outputName}' (its outputs: {string.Join(", ", outputs.Keys)})");
        }
        else if (CheckTensor(problems, "output", outputName, output, TensorElementType.Float, -1, 0, 0))
        {
            outputDims = output.Dimensions;
            pointWidth = outputDims[2];
            if (pointWidth is not (2 or 3))
            {
                problems.Add($"output '{outputName}' is {Describe(outputDims)}; its last dimension must be 3 (camera-frame points in metres) or 2 (normalised pixels)");
            }
        }

        // The batch dimension: dynamic everywhere stacks a batch into one run; 1 runs items one by one.
        var batchDims = (image is null ? [] : new[] { image, depth, intrinsics, prompt, mask }.OfType<OnnxTensorSlot>())
            .Where(slot => slot.Dimensions.Length > 0)
            .Select(slot => (slot.Name, Batch: slot.Dimensions[0]))
            .Concat(outputDims is { Length: > 0 } ? [(outputName, outputDims[0])] : [])
            .ToList();
        foreach (var (name, batch) in batchDims.Where(b => b.Batch is not (-1 or 1)))
        {
            problems.Add($"the batch dimension (the first) of '{name}' is fixed at {batch}; it must be dynamic or 1");
        }

        var mean = Floats(problems, metadata, MeanKey, 0f);
        var std = Floats(problems, metadata, StdKey, 1f);
        if (std.Any(s => s == 0 || !float.IsFinite(s)))
        {
            problems.Add($"metadata {StdKey} must be three finite non-zero numbers; it is '{metadata[StdKey]}'");
        }
        long padId = 0;
        if (metadata.TryGetValue(PadIdKey, out var pad) && !long.TryParse(pad, NumberStyles.Integer, CultureInfo.InvariantCulture, out padId))
        {
            problems.Add($"metadata {PadIdKey} must be an integer; it is '{pad}'");
        }
        string? tokenizerPath = null;
        if (prompt is not null)
        {
            var vocabulary = tokenizer ?? metadata.GetValueOrDefault(TokenizerKey);
            if (string.IsNullOrWhiteSpace(vocabulary))
            {
                problems.Add($"the model takes prompt tokens (input '{prompt.Name}') but names no vocabulary: declare it in the metadata ({TokenizerKey}) or in Tokenizer (a WordPiece vocab.txt or a SentencePiece .model beside the model)");
            }
            else
            {
                tokenizerPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, vocabulary);
                if (!File.Exists(tokenizerPath))
                {
                    problems.Add($"the prompt vocabulary '{vocabulary}' does not exist (looked for {tokenizerPath})");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new OnnxModelException($"Model {modelPath} does not fit the onnx backend's contract: {string.Join("; ", problems)}.");
        }
        return new OnnxModelContract(image!, depth, intrinsics, prompt, mask, outputName, pointWidth,
            batchDims.All(b => b.Batch == -1), mean, std, padId, tokenizerPath);
    }

    /// <summary>A shape as the messages show it, e.g. <c>[?, 3, 224, 224]</c>.</summary>
    public static string Describe(IEnumerable<long> dimensions) => "[" + string.Join(", ", dimensions.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>See <see cref="Describe(IEnumerable{long})"/>.</summary>
    public static string Describe(int[] dimensions) => Describe(dimensions.Select(d => (long)d));

    private static (string Name, string? Source) Resolve(string? configured, string key, string conventional, IReadOnlyDictionary<string, string> metadata) =>
        !string.IsNullOrEmpty(configured) ? (configured, "the configuration")
        : metadata.TryGetValue(key, out var declared) && declared.Length > 0 ? (declared, $"the model's metadata ({key})")
        : (conventional, null);

    /// <summary>Element type and rank, and every dimension the contract fixes. False when the rank is wrong.</summary>
    private static bool CheckTensor(List<string> problems, string kind, string name, NodeMetadata node, TensorElementType type, params int[] expected)
    {
        var expectedShape = "[" + string.Join(", ", expected.Select((d, i) => i == 0 ? "batch" : d > 0 ? d.ToString(CultureInfo.InvariantCulture) : "n")) + "]";
        if (!node.IsTensor || node.ElementDataType != type || node.Dimensions.Length != expected.Length)
        {
            var actual = node.IsTensor ? $"{Name(node.ElementDataType)} {Describe(node.Dimensions)}" : node.OnnxValueType.ToString();
            problems.Add($"{kind} '{name}' must be {Name(type)} {expectedShape}; the model declares {actual}");
            return false;
        }
        for (var i = 1; i < expected.Length; i++)
        {
            if (expected[i] > 0 && node.Dimensions[i] > 0 && node.Dimensions[i] != expected[i])
            {
                problems.Add($"{kind} '{name}' must be {Name(type)} {expectedShape}; the model declares {Describe(node.Dimensions)}");
                return false;
            }
        }
        return true;
    }

    private static void SameSize(List<string> problems, OnnxTensorSlot image, OnnxTensorSlot depth, int axis, string what)
    {
        if (image.Dimensions.Length == 4 && depth.Dimensions.Length == 4 && image.Dimensions[axis] > 0 && depth.Dimensions[axis] > 0 && image.Dimensions[axis] != depth.Dimensions[axis])
        {
            problems.Add($"depth '{depth.Name}' {Describe(depth.Dimensions)} must have the {what} of image '{image.Name}' {Describe(image.Dimensions)}");
        }
    }

    private static float[] Floats(List<string> problems, IReadOnlyDictionary<string, string> metadata, string key, float fallback)
    {
        if (!metadata.TryGetValue(key, out var text))
        {
            return [fallback, fallback, fallback];
        }
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new float[3];
        if (parts.Length != 3 || !parts.Select((p, i) => float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])).All(ok => ok))
        {
            problems.Add($"metadata {key} must be three comma-separated numbers (R, G, B); it is '{text}'");
        }
        return values;
    }

    private static string Name(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Int64 => "int64",
        _ => type.ToString().ToLowerInvariant(),
    };
}

/// <summary>A model that ONNX Runtime cannot load, or that does not fit the backend's contract; the message says what is wrong.</summary>
public sealed class OnnxModelException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
