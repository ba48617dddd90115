using System.Collections.Concurrent;
using System.Threading.Channels;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Backends;

namespace RoboTracer.Fleet.Inference.Tests.Batching;

/// <summary>
/// A backend that records every batch it is given and, while <see cref="Hold"/> is set, keeps each batch until the
/// test releases it: so a test can fill the queue behind a running batch and see exactly what reached the model.
/// </summary>
internal sealed class RecordingBackend(ITraceBackend? inner = null, string name = "recording") : ITraceBackend
{
    private readonly Channel<IReadOnlyList<TraceJob>> _started = Channel.CreateUnbounded<IReadOnlyList<TraceJob>>();
    private readonly ConcurrentQueue<IReadOnlyList<TraceJob>> _batches = new();
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => inner?.Name ?? name;

    public string Model => "recording";

    /// <summary>When true, each batch waits for <see cref="Release"/>.</summary>
    public bool Hold { get; set; }

    /// <summary>Batches in the order they reached the backend.</summary>
    public IReadOnlyList<IReadOnlyList<TraceJob>> Batches => [.. _batches];

    /// <summary>Request ids that reached the backend.</summary>
    public IReadOnlyList<string> Served => [.. _batches.SelectMany(b => b).Select(j => j.Request.RequestId)];

    public Task WarmUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Completes with the next batch the backend starts.</summary>
    public async Task<IReadOnlyList<TraceJob>> NextBatchAsync() =>
        await _started.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Lets the held batches finish.</summary>
    public void Release()
    {
        var release = _release;
        _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        release.TrySetResult();
    }

    public async Task<IReadOnlyList<TraceResult>> TraceBatchAsync(IReadOnlyList<TraceJob> batch, CancellationToken cancellationToken)
    {
        var release = _release.Task;
        _batches.Enqueue(batch);
        _started.Writer.TryWrite(batch);
        if (Hold)
        {
            await release.WaitAsync(cancellationToken);
        }
        if (inner is not null)
        {
            return await inner.TraceBatchAsync(batch, cancellationToken);
        }
        return [.. batch.Select(job => TraceResult.Success(new TraceResponse { RawAnswer = job.Request.RequestId }))];
    }
}
