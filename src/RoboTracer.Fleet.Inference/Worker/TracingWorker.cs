using Grpc.Core;
using Microsoft.Extensions.Options;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Inference.Batching;

namespace RoboTracer.Fleet.Inference.Worker;

/// <summary>
/// What a worker does with one request, whichever door it came in (gRPC or <c>/query</c>): admit it, validate
/// it, queue it on its backend's batcher, and stamp the answer with the request and worker ids.
/// </summary>
public sealed class TracingWorker(WorkerState state, BackendRegistry backends, IOptions<InferenceWorkerOptions> options)
{
    /// <summary>This worker's id.</summary>
    public string WorkerId => options.Value.WorkerId;

    /// <summary>Names of the backends this worker serves.</summary>
    public IReadOnlyCollection<string> Backends => backends.Names;

    /// <summary>The execution provider <paramref name="backend"/> runs its model on, or null (no in-process model, or no such backend).</summary>
    public string? ExecutionProvider(string backend) => backends.Names.Contains(backend) ? backends.Get(backend).Backend.ExecutionProvider : null;

    /// <summary>Traces <paramref name="request"/>; failures are <see cref="RpcException"/> with a precise status.</summary>
    public async Task<TraceResponse> TraceAsync(TraceRequest request, Func<bool> deadlineExceeded, CancellationToken cancellationToken)
    {
        using var lease = state.Admit();
        var inputs = TraceRequestValidator.Validate(request, backends.Names);
        var batcher = backends.Get(request.Backend.Length > 0 ? request.Backend : options.Value.DefaultBackend);
        var response = await batcher.TraceAsync(new TraceJob(request, inputs), deadlineExceeded, cancellationToken);
        response.RequestId = request.RequestId.Length > 0 ? request.RequestId : Guid.NewGuid().ToString("N");
        response.WorkerId = options.Value.WorkerId;
        return response;
    }
}

/// <summary>The backends of this worker, each behind its own batcher.</summary>
public sealed class BackendRegistry(IEnumerable<BackendBatcher> batchers) : IAsyncDisposable
{
    private readonly Dictionary<string, BackendBatcher> _batchers = batchers.ToDictionary(b => b.Backend.Name, StringComparer.Ordinal);

    /// <summary>The names requests can select.</summary>
    public IReadOnlyCollection<string> Names => _batchers.Keys;

    /// <summary>Every batcher.</summary>
    public IEnumerable<BackendBatcher> All => _batchers.Values;

    /// <summary>The batcher of <paramref name="name"/>; INVALID_ARGUMENT naming the available ones otherwise.</summary>
    public BackendBatcher Get(string name) => _batchers.TryGetValue(name, out var batcher)
        ? batcher
        : throw new RpcException(new Status(StatusCode.InvalidArgument, $"backend '{name}' is not served by this worker; available: {string.Join(", ", _batchers.Keys)}."));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var batcher in _batchers.Values)
        {
            await batcher.DisposeAsync();
        }
    }
}
