namespace RoboTracer.Fleet.Inference.Worker;

/// <summary>Settings of a pool worker, from the <c>Inference</c> configuration section.</summary>
public sealed class InferenceWorkerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Inference";

    /// <summary>This worker's id in responses and logs. Default: host name and process id.</summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>The backend used when a request names none. Default "geometric".</summary>
    public string DefaultBackend { get; set; } = "geometric";

    /// <summary>
    /// Directories the <c>/query</c> shim may read <c>image_paths</c>/<c>depth_z_paths</c> from. Paths outside
    /// them are refused, so the endpoint cannot be used to read arbitrary files. Empty: paths are refused.
    /// </summary>
    public List<string> QueryRoots { get; set; } = [];
}
