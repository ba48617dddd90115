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
    private volatile bool _disposed;

    public IEnumerable<PoolWorker> All => _workers.Values;

    /// <summary>The worker at <paramref name="address"/>, created (and its health watch started) on first sight.</summary>
    public PoolWorker For(BalancerAddress address) => For(address.EndPoint.Host, address.EndPoint.Port);

    /// <summary>The worker at <paramref name="host"/>:<paramref name="port"/>, created on first sight.</summary>
    /// <exception cref="ObjectDisposedException">The pool is disposed (a resolve finished after it).</exception>
    public PoolWorker For(string host, int port)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _workers.GetOrAdd(PoolWorker.KeyOf(host, port), key => new PoolWorker(key, new UriBuilder(_scheme, host, port).Uri, options, time, logger));
    }

    /// <summary>The worker at <paramref name="host"/>:<paramref name="port"/> if the resolver named it.</summary>
    public PoolWorker? Find(string host, int port) => _workers.GetValueOrDefault(PoolWorker.KeyOf(host, port));

    /// <summary>
    /// Keeps the workers at <paramref name="addresses"/> and stops following the others: removed at once (the exact
    /// instance, so a worker the resolver named again meanwhile is kept), their health watches stopped in the
    /// background.
    /// </summary>
    public void Retain(IReadOnlyList<BalancerAddress> addresses)
    {
        if (_disposed)
        {
            return;
        }
        var keep = addresses.Select(a => PoolWorker.KeyOf(a.EndPoint.Host, a.EndPoint.Port)).ToHashSet(StringComparer.Ordinal);
        foreach (var address in addresses)
        {
            For(address);
        }
        foreach (var entry in _workers)
        {
            if (!keep.Contains(entry.Key) && _workers.TryRemove(entry))
            {
                _ = entry.Value.DisposeAsync().AsTask();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        foreach (var key in _workers.Keys)
        {
            if (_workers.TryRemove(key, out var worker))
            {
                await worker.DisposeAsync();
            }
        }
    }
}
