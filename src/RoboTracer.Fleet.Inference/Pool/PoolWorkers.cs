using System.Collections.Concurrent;
using Grpc.Net.Client.Balancer;

namespace RoboTracer.Fleet.Inference.Pool;

/// <summary>
/// Every worker address the resolver has named, by <see cref="PoolWorker.Key"/>. The balancer adds and drops them
/// as the resolver's answer changes; pickers and the feedback handler look them up. One per <see cref="TracePool"/>.
/// </summary>
internal sealed class PoolWorkers(TracePoolOptions options, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, PoolWorker> _workers = new(StringComparer.Ordinal);
    private readonly string _scheme = options.Tls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp;

    public IEnumerable<PoolWorker> All => _workers.Values;

    /// <summary>The worker at <paramref name="address"/>, created (and its health watch started) on first sight.</summary>
    public PoolWorker For(BalancerAddress address) => For(address.EndPoint.Host, address.EndPoint.Port);

    /// <summary>The worker at <paramref name="host"/>:<paramref name="port"/>, created on first sight.</summary>
    public PoolWorker For(string host, int port) =>
        _workers.GetOrAdd(PoolWorker.KeyOf(host, port), key => new PoolWorker(key, new UriBuilder(_scheme, host, port).Uri, options, time, logger));

    /// <summary>The worker at <paramref name="host"/>:<paramref name="port"/> if the resolver named it.</summary>
    public PoolWorker? Find(string host, int port) => _workers.GetValueOrDefault(PoolWorker.KeyOf(host, port));

    /// <summary>Keeps the workers at <paramref name="addresses"/> and stops following the others.</summary>
    public async Task RetainAsync(IReadOnlyList<BalancerAddress> addresses)
    {
        var keep = addresses.Select(a => PoolWorker.KeyOf(a.EndPoint.Host, a.EndPoint.Port)).ToHashSet(StringComparer.Ordinal);
        foreach (var address in addresses)
        {
            For(address);
        }
        foreach (var (key, worker) in _workers)
        {
            if (!keep.Contains(key) && _workers.TryRemove(key, out _))
            {
                await worker.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var key in _workers.Keys)
        {
            if (_workers.TryRemove(key, out var worker))
            {
                await worker.DisposeAsync();
            }
        }
    }
}
