namespace RoboTracer.Fleet.Inference.Backends.Onnx;

/// <summary>Where the <see cref="OnnxBackend"/> asks ONNX Runtime to run the model.</summary>
public enum OnnxExecutionProvider
{
    /// <summary>CUDA on <see cref="OnnxBackendOptions.CudaDevice"/>, falling back to the CPU (with a warning) where CUDA cannot run.</summary>
    Cuda,

    /// <summary>The CPU only.</summary>
    Cpu,
}

/// <summary>
/// Settings of the <see cref="OnnxBackend"/>, from <c>Inference:Backends:onnx</c>. Tensor names and the vocabulary
/// set here override what the model's metadata declares (the contract: Backends/Onnx/README.md).
/// </summary>
public sealed class OnnxBackendOptions
{
    /// <summary>The .onnx file. Required.</summary>
    public string? ModelPath { get; set; }

    /// <summary>Model name reported in responses. Default: the file name without its extension.</summary>
    public string? Model { get; set; }

    /// <summary>Default <see cref="OnnxExecutionProvider.Cuda"/>: try the GPU, fall back to the CPU.</summary>
    public OnnxExecutionProvider ExecutionProvider { get; set; } = OnnxExecutionProvider.Cuda;

    /// <summary>The CUDA device id. Default 0.</summary>
    public int CudaDevice { get; set; }

    /// <summary>
    /// Inference sessions over the model; each runs one batch at a time, with its own input buffers. Match it with
    /// <c>Batching:MaxConcurrentBatches</c>. Default 1.
    /// </summary>
    public int Sessions { get; set; } = 1;

    /// <summary>Threads each session uses inside one operator (ONNX Runtime's intra-op pool); 0 leaves ONNX Runtime's default (one per core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Tensor names by role, over the model's metadata.</summary>
    public OnnxTensorNames Tensors { get; set; } = new();

    /// <summary>The prompt vocabulary (a file beside the model, or a path), over the model's <c>robotracer.tokenizer</c>.</summary>
    public string? Tokenizer { get; set; }

    /// <summary>A precise complaint about an impossible setting, or null.</summary>
    public string? Validate() =>
        string.IsNullOrWhiteSpace(ModelPath) ? "Inference:Backends:onnx:ModelPath is not set; it names the .onnx file to run."
        : Sessions < 1 ? $"Inference:Backends:onnx:Sessions is {Sessions}; it must be at least 1."
        : IntraOpThreads < 0 ? $"Inference:Backends:onnx:IntraOpThreads is {IntraOpThreads}; use 0 for ONNX Runtime's default, or a positive count."
        : CudaDevice < 0 ? $"Inference:Backends:onnx:CudaDevice is {CudaDevice}; it must not be negative."
        : null;
}

/// <summary>Model tensor names by role; null leaves the model's metadata (or the conventional name) in force.</summary>
public sealed class OnnxTensorNames
{
    /// <summary>The RGB image input (conventional name <c>image</c>).</summary>
    public string? Image { get; set; }

    /// <summary>The metric depth input (<c>depth</c>).</summary>
    public string? Depth { get; set; }

    /// <summary>The camera matrix input (<c>intrinsics</c>).</summary>
    public string? Intrinsics { get; set; }

    /// <summary>The prompt token ids input (<c>prompt_ids</c>).</summary>
    public string? Prompt { get; set; }

    /// <summary>The prompt attention mask input (<c>prompt_mask</c>).</summary>
    public string? PromptMask { get; set; }

    /// <summary>The points output (<c>points</c>).</summary>
    public string? Points { get; set; }
}
