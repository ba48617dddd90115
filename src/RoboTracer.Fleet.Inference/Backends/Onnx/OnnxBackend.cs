using System.Threading.Channels;
using Grpc.Core;
using Microsoft.ML.OnnxRuntime;
using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Inference.Backends.Onnx;

/// <summary>
/// Runs a trace model in-process with ONNX Runtime (Microsoft.ML.OnnxRuntime, or .Gpu with -p:OnnxFlavour=Gpu). The
/// model follows the contract in Backends/Onnx/README.md: RGB image, optional metric depth, intrinsics and prompt
/// tokens in; N camera-frame points or N normalised pixels out. When the model's batch dimension is dynamic a batch
/// of requests becomes one stacked tensor and one run (per image size); otherwise its items run one by one.
/// Sessions are pooled (<see cref="OnnxBackendOptions.Sessions"/>), each with its own reused input buffers.
/// </summary>
public sealed partial class OnnxBackend : ITraceBackend, IDisposable
{
    private readonly OnnxBackendOptions _options;
    private readonly ILogger _logger;
    private readonly string _modelName;
    private readonly Channel<OnnxSessionLane> _lanes = Channel.CreateUnbounded<OnnxSessionLane>();
    private Loaded? _loaded;

    /// <summary>Creates the backend; nothing is loaded before <see cref="WarmUpAsync"/>.</summary>
    public OnnxBackend(OnnxBackendOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger;
        _modelName = options.Model ?? Path.GetFileNameWithoutExtension(options.ModelPath ?? "onnx");
    }

    /// <inheritdoc />
    public string Name => "onnx";

    /// <summary>The model's name and, once loaded, where it runs: <c>tracenet (CPUExecutionProvider)</c>.</summary>
    public string Model => _loaded is { } loaded ? $"{_modelName} ({loaded.Provider})" : _modelName;

    /// <inheritdoc />
    public string? ExecutionProvider => _loaded?.Provider;

    /// <summary>True when a batch becomes one stacked run (the model's batch dimension is dynamic).</summary>
    public bool StacksBatches => Current.Contract.DynamicBatch;

    /// <summary>Model runs so far, over every session.</summary>
    internal long Runs => Current.Lanes.Sum(lane => lane.Runs);

    private Loaded Current => _loaded ?? throw new InvalidOperationException("Backend onnx has not loaded its model yet (WarmUpAsync).");

    /// <inheritdoc />
    public async Task<IReadOnlyList<TraceResult>> TraceBatchAsync(IReadOnlyList<TraceJob> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var loaded = Current;
        var results = new TraceResult[batch.Count];
        var ready = new List<(int Index, OnnxPreparedJob Job)>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            // A request the model cannot take fails alone, before anything runs.
            if (Prepare(loaded, batch[i], out var prepared) is { } error)
            {
                results[i] = TraceResult.Failure(StatusCode.InvalidArgument, error);
            }
            else
            {
                ready.Add((i, prepared!));
            }
        }
        // Only images of one size stack; a model with a fixed batch of 1 takes them one at a time.
        var runs = loaded.Contract.DynamicBatch
            ? ready.GroupBy(r => (r.Job.Rgb.Width, r.Job.Rgb.Height)).Select(g => g.ToList())
            : ready.Select(r => new List<(int Index, OnnxPreparedJob Job)> { r });
        foreach (var run in runs)
        {
            var lane = await _lanes.Reader.ReadAsync(cancellationToken);
            try
            {
                var output = lane.Run(run.ConvertAll(r => r.Job));
                for (var i = 0; i < run.Count; i++)
                {
                    results[run[i].Index] = TraceResult.Success(OnnxTraceConversion.ToResponse(run[i].Job.Job, output, i));
                }
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or OnnxOutputException)
            {
                LogRunFailed(_logger, _modelName, run.Count, ex);
                foreach (var (index, _) in run)
                {
                    results[index] = TraceResult.Failure(StatusCode.Internal, $"Model {_modelName} failed: {ex.Message}");
                }
            }
            finally
            {
                _lanes.Writer.TryWrite(lane);
            }
        }
        return results;
    }

    /// <summary>Disposes the sessions; call once no batch runs (the batcher does, when it has drained).</summary>
    public void Dispose()
    {
        _lanes.Writer.TryComplete();
        foreach (var lane in _loaded?.Lanes ?? [])
        {
            lane.Dispose();
        }
    }

    /// <summary>Checks a request against what the model takes and decodes it; the error message when it cannot run.</summary>
    private string? Prepare(Loaded loaded, TraceJob job, out OnnxPreparedJob? prepared)
    {
        prepared = null;
        var contract = loaded.Contract;
        var (image, inputs) = (job.Inputs.Image, job.Inputs);
        if ((contract.Width is { } width && width != image.Width) || (contract.Height is { } height && height != image.Height))
        {
            return $"model {_modelName} takes {contract.Width?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "any"}x{contract.Height?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "any"} images (input '{contract.Image.Name}' is {OnnxModelContract.Describe(contract.Image.Dimensions)}); this image is {image.Width}x{image.Height}.";
        }
        if (contract.Depth is { } depth && inputs.Depth is null)
        {
            return $"model {_modelName} takes metric depth (input '{depth.Name}'): send depth aligned to the image.";
        }
        if (contract.Intrinsics is { } intrinsics && inputs.Intrinsics is null)
        {
            return $"model {_modelName} takes the camera intrinsics (input '{intrinsics.Name}'): send them.";
        }
        if (contract.PointWidth == 3 && inputs.Intrinsics is null)
        {
            return $"model {_modelName} answers in camera-frame metres: send intrinsics, so that its points can be given in pixels too.";
        }
        IReadOnlyList<int>? tokens = null;
        if (loaded.Tokenizer is { } tokenizer)
        {
            tokens = tokenizer.Encode(job.Request.Instruction);
            if (contract.PromptLength is { } length && tokens.Count > length)
            {
                return $"the instruction is {tokens.Count} tokens long; model {_modelName} takes at most {length} (input '{contract.Prompt!.Name}').";
            }
        }
        RgbImage rgb;
        try
        {
            rgb = RgbImage.Decode(job.Request.Image.Data.Span);
        }
        catch (FormatException ex)
        {
            return $"image: {ex.Message}";
        }
        prepared = new OnnxPreparedJob(job, rgb, tokens);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Backend onnx: model {Model} failed a run of {Count}")]
    private static partial void LogRunFailed(ILogger logger, string model, int count, Exception exception);

    private sealed record Loaded(OnnxModelContract Contract, PromptTokenizer? Tokenizer, IReadOnlyList<OnnxSessionLane> Lanes, string Provider);
}
