namespace RoboTracer.Fleet.Inference.Batching;

/// <summary>Dynamic batching settings of one backend.</summary>
public sealed class BatcherOptions
{
    /// <summary>Most requests in one backend call. Default 8.</summary>
    public int MaxBatchSize { get; set; } = 8;

    /// <summary>
    /// Longest the oldest waiting request is held back for batch mates, counted from its arrival (a request that
    /// waited behind a running batch runs as soon as the backend is free). Trades latency at low load for
    /// throughput at high load. Default 5 ms.
    /// </summary>
    public TimeSpan MaxQueueDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Backend calls in flight at once (GPU streams, model server slots). Default 1.</summary>
    public int MaxConcurrentBatches { get; set; } = 1;

    /// <summary>Requests allowed to wait; one more is refused with RESOURCE_EXHAUSTED. Default 256.</summary>
    public int QueueCapacity { get; set; } = 256;

    /// <summary>A precise complaint about an impossible setting, or null.</summary>
    public string? Validate() =>
        MaxBatchSize < 1 ? $"MaxBatchSize is {MaxBatchSize}; it must be at least 1."
        : MaxQueueDelay < TimeSpan.Zero ? "MaxQueueDelay must not be negative."
        : MaxConcurrentBatches < 1 ? $"MaxConcurrentBatches is {MaxConcurrentBatches}; it must be at least 1."
        : QueueCapacity < 1 ? $"QueueCapacity is {QueueCapacity}; it must be at least 1."
        : null;
}
