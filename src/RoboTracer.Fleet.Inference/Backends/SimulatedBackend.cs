using RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Inference.Backends;

/// <summary>Settings of the <see cref="SimulatedBackend"/>.</summary>
public sealed class SimulatedBackendOptions
{
    /// <summary>Fixed cost of a backend call (a model's forward pass overhead). Default 20 ms.</summary>
    public TimeSpan FixedLatency { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Added cost per request in the batch. Default 2 ms.</summary>
    public TimeSpan PerItemLatency { get; set; } = TimeSpan.FromMilliseconds(2);
}

/// <summary>
/// A stand-in for a GPU model with the cost shape that makes batching pay: a batch of n takes a + b·n. It draws
/// a straight trace across the image, so callers get a well-formed answer. For tests and the pool benchmark;
/// there is no GPU or model weights here.
/// </summary>
public sealed class SimulatedBackend(SimulatedBackendOptions options, TimeProvider? time = null) : ITraceBackend
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public string Name => "simulated";

    /// <inheritdoc />
    public string Model => $"simulated(a={options.FixedLatency.TotalMilliseconds}ms,b={options.PerItemLatency.TotalMilliseconds}ms)";

    /// <inheritdoc />
    public Task WarmUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task<IReadOnlyList<TraceResult>> TraceBatchAsync(IReadOnlyList<TraceJob> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await Task.Delay(options.FixedLatency + (options.PerItemLatency * batch.Count), _time, cancellationToken);
        return batch.Select(job =>
        {
            var (width, height) = (job.Inputs.Image.Width, job.Inputs.Image.Height);
            var response = new TraceResponse { RawAnswer = "[(250, 500), (500, 400), (750, 500)]" };
            response.Points2D.Add(new Point2D { X = width * 0.25, Y = height * 0.5 });
            response.Points2D.Add(new Point2D { X = width * 0.5, Y = height * 0.4 });
            response.Points2D.Add(new Point2D { X = width * 0.75, Y = height * 0.5 });
            return TraceResult.Success(response);
        }).ToList();
    }
}
