using System.Threading.Channels;
using ServingStatus = RoboTracer.Fleet.Contracts.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RoboTracer.Fleet.Grpc.Health;

/// <summary>
/// The serving status of the server ("") and of each of its services, as <c>grpc.health.v1.Health</c> reports
/// it. A worker sets NOT_SERVING while it warms up or drains; watchers hear every change.
/// </summary>
public sealed class HealthStatusRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal) { [""] = ServingStatus.Serving };
    private readonly Dictionary<string, List<Channel<ServingStatus>>> _watchers = new(StringComparer.Ordinal);
    private bool _watchesEnded;

    /// <summary>Sets the status of <paramref name="service"/> ("" for the whole server) and tells its watchers.</summary>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            _statuses[service] = status;
            Notify(service, status);
        }
    }

    /// <summary>Sets every known service, and the server, to <paramref name="status"/> (e.g. NOT_SERVING on drain).</summary>
    public void SetAll(ServingStatus status)
    {
        lock (_lock)
        {
            foreach (var service in _statuses.Keys.ToList())
            {
                _statuses[service] = status;
                Notify(service, status);
            }
        }
    }

    /// <summary>
    /// Ends every open Watch stream (with OK), as a server does on shutdown: otherwise stopping waits for watchers,
    /// who never leave by themselves, until the shutdown timeout cuts them off. Watches started later end at once.
    /// </summary>
    public void EndWatches()
    {
        lock (_lock)
        {
            _watchesEnded = true;
            foreach (var watcher in _watchers.Values.SelectMany(list => list))
            {
                watcher.Writer.TryComplete();
            }
        }
    }

    /// <summary>Forgets <paramref name="service"/>; its watchers hear SERVICE_UNKNOWN.</summary>
    public void Remove(string service)
    {
        lock (_lock)
        {
            if (_statuses.Remove(service))
            {
                Notify(service, ServingStatus.ServiceUnknown);
            }
        }
    }

    /// <summary>The status of <paramref name="service"/>, or false when it is unknown.</summary>
    public bool TryGetStatus(string service, out ServingStatus status)
    {
        lock (_lock)
        {
            return _statuses.TryGetValue(service, out status);
        }
    }

    /// <summary>
    /// The current status of <paramref name="service"/> (SERVICE_UNKNOWN when unknown), then every change until
    /// <paramref name="cancellationToken"/> fires. A slow watcher sees the latest status, not every step between.
    /// </summary>
    public async IAsyncEnumerable<ServingStatus> WatchAsync(string service, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<ServingStatus>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_lock)
        {
            channel.Writer.TryWrite(_statuses.TryGetValue(service, out var current) ? current : ServingStatus.ServiceUnknown);
            if (!_watchers.TryGetValue(service, out var list))
            {
                _watchers[service] = list = [];
            }
            list.Add(channel);
            if (_watchesEnded)
            {
                channel.Writer.TryComplete();
            }
        }
        try
        {
            var last = (ServingStatus)(-1);
            while (await channel.Reader.WaitToReadAsync(cancellationToken))
            {
                while (channel.Reader.TryRead(out var status))
                {
                    // Watch sends a message only when the status changes (health-checking.md).
                    if (status != last)
                    {
                        last = status;
                        yield return status;
                    }
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                _watchers[service].Remove(channel);
            }
        }
    }

    private void Notify(string service, ServingStatus status)
    {
        if (_watchers.TryGetValue(service, out var list))
        {
            foreach (var watcher in list)
            {
                watcher.Writer.TryWrite(status);
            }
        }
    }
}
