using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Evaluation;

namespace RoboTracer.Fleet.Cli.Commands;

/// <summary>Remembers the first failure of a run, so its summary can say what went wrong and whether the pool was down.</summary>
internal sealed class FirstErrorQuery(ITraceQuery inner) : ITraceQuery
{
    private Exception? _first;

    public Exception? FirstError => Volatile.Read(ref _first);

    public async Task<TraceResponse> TraceAsync(TraceRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.TraceAsync(request, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Interlocked.CompareExchange(ref _first, ex, null);
            throw;
        }
    }
}
