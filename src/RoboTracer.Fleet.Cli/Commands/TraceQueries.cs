using RoboTracer.Fleet.Evaluation;
using RoboTracer.Fleet.Inference.Pool;

namespace RoboTracer.Fleet.Cli.Commands;

/// <summary>
/// Where the trace requests of <c>eval run</c> and <c>replay --with-backend</c> go: pool workers over gRPC, each
/// request naming the backend (<c>--pool URL --backend NAME</c>), or, without <c>--pool</c>, an in-process backend
/// (only those that need no configuration; <see cref="BackendTraceQuery.Create"/>).
/// </summary>
internal sealed class TraceQueries : IAsyncDisposable
{
    private readonly TracePool? _pool;

    private TraceQueries(ITraceQuery query, TracePool? pool, IReadOnlyList<string>? workers, string requestBackend)
    {
        Query = query;
        _pool = pool;
        Workers = workers;
        RequestBackend = requestBackend;
    }

    /// <summary>Sends one request.</summary>
    public ITraceQuery Query { get; }

    /// <summary>The pool workers' URLs, or null for an in-process backend.</summary>
    public IReadOnlyList<string>? Workers { get; }

    /// <summary>What requests put in <c>backend</c>: the name for a pool ("" = the worker's default); "" in-process.</summary>
    public string RequestBackend { get; }

    /// <summary>
    /// A query over <paramref name="workers"/> with <paramref name="backend"/> and a per-request deadline of
    /// <paramref name="timeout"/>, or the in-process backend <paramref name="backend"/> (default geometric) when
    /// there are no workers.
    /// </summary>
    /// <exception cref="CliException">An in-process backend that does not exist or needs configuration (exit 2).</exception>
    public static TraceQueries Create(IReadOnlyList<string>? workers, string? backend, TimeSpan timeout, string backendOption = "--backend")
    {
        if (workers is null)
        {
            try
            {
                return new TraceQueries(BackendTraceQuery.Create(backend ?? "geometric"), null, null, "");
            }
            catch (ArgumentException ex)
            {
                throw CliException.Usage($"{backendOption}: {ex.Message}");
            }
        }
        var pool = TraceCommand.CreatePool(workers, watchHealth: true);
        return new TraceQueries(new PoolTraceQuery(pool, timeout), pool, workers, backend ?? "");
    }

    public async ValueTask DisposeAsync()
    {
        if (_pool is not null)
        {
            await _pool.DisposeAsync();
        }
    }
}
