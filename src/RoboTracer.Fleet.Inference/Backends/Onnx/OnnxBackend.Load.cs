using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace RoboTracer.Fleet.Inference.Backends.Onnx;

/// <summary>Loading: sessions on CUDA or the CPU, and the model's contract, checked before the worker serves.</summary>
public sealed partial class OnnxBackend
{
    /// <summary>ONNX Runtime's name of the CUDA execution provider.</summary>
    public const string CudaProvider = "CUDAExecutionProvider";

    /// <summary>ONNX Runtime's name of the CPU execution provider.</summary>
    public const string CpuProvider = "CPUExecutionProvider";

    /// <summary>
    /// Loads the model into <see cref="OnnxBackendOptions.Sessions"/> sessions and checks it against the contract.
    /// Throws <see cref="OnnxModelException"/> saying what is wrong when the file is missing or malformed or the
    /// model does not fit; the worker then stays NOT_SERVING with that reason.
    /// </summary>
    public Task WarmUpAsync(CancellationToken cancellationToken) => Task.Run(Load, cancellationToken);

    private void Load()
    {
        if (_options.Validate() is { } invalid)
        {
            throw new OnnxModelException(invalid);
        }
        var path = Path.GetFullPath(_options.ModelPath!);
        if (!File.Exists(path))
        {
            throw new OnnxModelException($"Model file {path} does not exist (Inference:Backends:onnx:ModelPath).");
        }
        var first = CreateSession(path, _options.ExecutionProvider == OnnxExecutionProvider.Cuda, out var provider);
        var sessions = new List<InferenceSession> { first };
        try
        {
            var contract = OnnxModelContract.Read(path, first.InputMetadata, first.OutputMetadata, first.ModelMetadata.CustomMetadataMap, _options.Tensors, _options.Tokenizer);
            var tokenizer = contract.TokenizerPath is { } vocabulary ? PromptTokenizer.Load(vocabulary) : null;
            while (sessions.Count < _options.Sessions)
            {
                sessions.Add(CreateSession(path, provider == CudaProvider, out _));
            }
            var lanes = sessions.Select(session => new OnnxSessionLane(session, contract)).ToList();
            _loaded = new Loaded(contract, tokenizer, lanes, provider);
            foreach (var lane in lanes)
            {
                _lanes.Writer.TryWrite(lane);
            }
            LogLoaded(_logger, _modelName, provider, _options.Sessions, _options.IntraOpThreads == 0 ? "default" : _options.IntraOpThreads.ToString(System.Globalization.CultureInfo.InvariantCulture),
                contract.DynamicBatch ? "dynamic: a batch is one run" : "1: items run one by one");
        }
        catch
        {
            sessions.ForEach(session => session.Dispose());
            throw;
        }
    }

    /// <summary>
    /// A session on CUDA when asked for and possible, else on the CPU. Without a usable GPU, appending CUDA throws
    /// <see cref="EntryPointNotFoundException"/> with the CPU package (its library has no CUDA entry point) and
    /// <see cref="OnnxRuntimeException"/> with the Gpu package (no device or no CUDA libraries), and a session that
    /// CUDA accepted may still fail to create on the device (DESIGN.md §2): each falls back to the CPU with one
    /// warning. A model that fails on the CPU too is the model's fault, reported as such.
    /// </summary>
    private InferenceSession CreateSession(string path, bool tryCuda, out string provider)
    {
        string? cudaFailure = null;
        if (tryCuda)
        {
            using var cuda = NewOptions();
            try
            {
                cuda.AppendExecutionProvider_CUDA(_options.CudaDevice);
                var session = new InferenceSession(path, cuda);
                provider = CudaProvider;
                return session;
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException)
            {
                cudaFailure = $"{ex.GetType().Name}: {FirstLine(ex.Message)}";
            }
        }
        using var cpu = NewOptions();
        InferenceSession created;
        try
        {
            created = new InferenceSession(path, cpu);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new OnnxModelException($"Model file {path} could not be loaded by ONNX Runtime: {FirstLine(ex.Message)}", ex);
        }
        if (cudaFailure is not null)
        {
            LogCudaFallback(_logger, _options.CudaDevice, cudaFailure, _modelName);
        }
        provider = CpuProvider;
        return created;
    }

    private SessionOptions NewOptions()
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (_options.IntraOpThreads > 0)
        {
            options.IntraOpNumThreads = _options.IntraOpThreads;
        }
        return options;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backend onnx: CUDA device {Device} is not usable ({Reason}); running model {Model} on the CPU (CPUExecutionProvider)")]
    private static partial void LogCudaFallback(ILogger logger, int device, string reason, string model);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backend onnx loaded model {Model} on {Provider}: {Sessions} session(s), intra-op threads {Threads}, batch dimension {Batch}")]
    private static partial void LogLoaded(ILogger logger, string model, string provider, int sessions, string threads, string batch);
}
