using Microsoft.ML.OnnxRuntime;
using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Inference.Backends.Onnx;

/// <summary>A job checked against the model's contract and decoded, ready to be written into input tensors.</summary>
internal sealed record OnnxPreparedJob(TraceJob Job, RgbImage Rgb, IReadOnlyList<int>? Tokens);

/// <summary>The points output of one run: <see cref="Points"/> rows of <see cref="Width"/> values per item, items in order.</summary>
internal readonly record struct OnnxRunOutput(float[] Values, int Points, int Width);

/// <summary>
/// One inference session and the input buffers it reuses from run to run: arrays on the pinned object heap, grown
/// (never shrunk) to the largest batch seen, that ONNX Runtime reads in place through <see cref="OrtValue"/>s over
/// them (no copy into native memory). Runs one batch at a time; the backend hands lanes out.
/// </summary>
/// <remarks>
/// No IOBinding: on the CPU, <see cref="OrtValue"/>s over pinned arrays already give zero-copy inputs, and the
/// output is read on the host at once; binding pays when outputs stay on a device for another run, which ours never do.
/// </remarks>
internal sealed class OnnxSessionLane : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OnnxModelContract _contract;
    private readonly RunOptions _run = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OrtValue?[] _inputValues;
    private readonly float[] _scale = new float[3];
    private readonly float[] _offset = new float[3];
    private float[] _image = [];
    private float[] _depth = [];
    private float[] _intrinsics = [];
    private long[] _prompt = [];
    private long[] _mask = [];
    private long _runs;

    public OnnxSessionLane(InferenceSession session, OnnxModelContract contract)
    {
        _session = session;
        _contract = contract;
        _inputNames = contract.Inputs.Select(input => input.Name).ToArray();
        _outputNames = [contract.PointsOutput];
        _inputValues = new OrtValue?[_inputNames.Length];
        // (v / 255 - mean) / std as one multiply-add per sample.
        for (var c = 0; c < 3; c++)
        {
            _scale[c] = 1f / (255f * contract.Std[c]);
            _offset[c] = -contract.Mean[c] / contract.Std[c];
        }
    }

    /// <summary>Model runs this lane has made.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>
    /// Stacks <paramref name="items"/> (images of one size) into one batch and runs the model once. Throws
    /// <see cref="OnnxRuntimeException"/> when the model fails, <see cref="OnnxOutputException"/> when its output
    /// does not have the shape the contract promised.
    /// </summary>
    public OnnxRunOutput Run(IReadOnlyList<OnnxPreparedJob> items)
    {
        var count = items.Count;
        var (height, width) = (items[0].Rgb.Height, items[0].Rgb.Width);
        var pixels = height * width;
        var next = 0;
        try
        {
            FillImage(items, pixels);
            _inputValues[next++] = Tensor(_image, count * 3 * pixels, [count, 3, height, width]);
            if (_contract.Depth is not null)
            {
                Grow(ref _depth, count * pixels);
                for (var i = 0; i < count; i++)
                {
                    items[i].Job.Inputs.Depth!.Metres.CopyTo(_depth.AsSpan(i * pixels, pixels));
                }
                _inputValues[next++] = Tensor(_depth, count * pixels, [count, 1, height, width]);
            }
            if (_contract.Intrinsics is not null)
            {
                FillIntrinsics(items);
                _inputValues[next++] = Tensor(_intrinsics, count * 9, [count, 3, 3]);
            }
            if (_contract.Prompt is not null)
            {
                var length = FillPrompt(items);
                _inputValues[next++] = Tensor(_prompt, count * length, [count, length]);
                if (_contract.PromptMask is not null)
                {
                    _inputValues[next++] = Tensor(_mask, count * length, [count, length]);
                }
            }
            Interlocked.Increment(ref _runs);
            using var outputs = _session.Run(_run, _inputNames, _inputValues!, _outputNames);
            return ReadOutput(outputs[0], count);
        }
        finally
        {
            for (var i = 0; i < next; i++)
            {
                _inputValues[i]!.Dispose();
                _inputValues[i] = null;
            }
        }
    }

    public void Dispose()
    {
        _run.Dispose();
        _session.Dispose();
    }

    private static OrtValue Tensor<T>(T[] buffer, int length, long[] shape) where T : unmanaged =>
        OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, length), shape);

    private static void Grow<T>(ref T[] buffer, int length) where T : unmanaged
    {
        if (buffer.Length < length)
        {
            buffer = GC.AllocateUninitializedArray<T>(Math.Max(length, buffer.Length * 2), pinned: true);
        }
    }

    /// <summary>Interleaved 8-bit RGB rows into planar, normalised float channels (NCHW).</summary>
    private void FillImage(IReadOnlyList<OnnxPreparedJob> items, int pixels)
    {
        Grow(ref _image, items.Count * 3 * pixels);
        var (s0, s1, s2) = (_scale[0], _scale[1], _scale[2]);
        var (o0, o1, o2) = (_offset[0], _offset[1], _offset[2]);
        for (var i = 0; i < items.Count; i++)
        {
            var source = items[i].Rgb.Pixels;
            var planes = _image.AsSpan(i * 3 * pixels, 3 * pixels);
            var red = planes[..pixels];
            var green = planes.Slice(pixels, pixels);
            var blue = planes.Slice(2 * pixels, pixels);
            for (var p = 0; p < pixels; p++)
            {
                red[p] = (source[3 * p] * s0) + o0;
                green[p] = (source[(3 * p) + 1] * s1) + o1;
                blue[p] = (source[(3 * p) + 2] * s2) + o2;
            }
        }
    }

    private void FillIntrinsics(IReadOnlyList<OnnxPreparedJob> items)
    {
        Grow(ref _intrinsics, items.Count * 9);
        for (var i = 0; i < items.Count; i++)
        {
            var k = items[i].Job.Inputs.Intrinsics!;
            ReadOnlySpan<float> matrix = [(float)k.Fx, 0, (float)k.Cx, 0, (float)k.Fy, (float)k.Cy, 0, 0, 1];
            matrix.CopyTo(_intrinsics.AsSpan(i * 9, 9));
        }
    }

    /// <summary>Token ids padded to the model's fixed length, or to the longest prompt of the batch; the mask marks the real ones.</summary>
    private int FillPrompt(IReadOnlyList<OnnxPreparedJob> items)
    {
        var length = _contract.PromptLength ?? Math.Max(1, items.Max(item => item.Tokens!.Count));
        Grow(ref _prompt, items.Count * length);
        Grow(ref _mask, items.Count * length);
        for (var i = 0; i < items.Count; i++)
        {
            var tokens = items[i].Tokens!;
            var ids = _prompt.AsSpan(i * length, length);
            var mask = _mask.AsSpan(i * length, length);
            ids.Fill(_contract.PadId);
            mask.Clear();
            for (var t = 0; t < tokens.Count; t++)
            {
                ids[t] = tokens[t];
                mask[t] = 1;
            }
        }
        return length;
    }

    private OnnxRunOutput ReadOutput(OrtValue output, int count)
    {
        var shape = output.GetTensorTypeAndShape().Shape;
        if (shape.Length != 3 || shape[0] != count || shape[2] != _contract.PointWidth)
        {
            throw new OnnxOutputException($"output '{_contract.PointsOutput}' came out {OnnxModelContract.Describe(shape)} for a batch of {count}; the contract promises [{count}, n, {_contract.PointWidth}]");
        }
        return new OnnxRunOutput(output.GetTensorDataAsSpan<float>().ToArray(), (int)shape[1], (int)shape[2]);
    }
}

/// <summary>A model's output that does not have the shape its declaration promised.</summary>
internal sealed class OnnxOutputException(string message) : Exception(message);
