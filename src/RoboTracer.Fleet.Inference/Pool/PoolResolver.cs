using System.Net;
using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.ServiceDiscovery;

namespace RoboTracer.Fleet.Inference.Pool;

/// <summary>
/// Resolves the channel address <c>fleet-pool:///</c> to the workers: the addresses in <c>Pool:Workers</c> and the
/// <c>grpc</c> endpoints of each service in <c>Pool:Services</c>, found by Microsoft.Extensions.ServiceDiscovery
/// (configuration, as the Aspire AppHost writes it; DNS where registered). It resolves again when discovery says its
/// answer changed, when the balancer asks (a worker became unreachable), and, when a worker is given as
/// <c>dns:///name:port</c>, every <see cref="TracePoolOptions.DnsRefreshInterval"/> (a DNS answer announces no change).
/// </summary>
/// <remarks>
/// <c>dns:///</c> is resolved here, not by Grpc.Net.Client's own <c>DnsResolverFactory</c>: the channel has one
/// resolver (this one, which also merges the configured and discovered workers), and grpc-dotnet's DNS resolver cannot
/// be composed into another (its <c>ResolverOptions</c> constructor is internal). Like that resolver, every address the
/// name resolves to becomes a worker.
/// </remarks>
internal sealed partial class PoolResolver(TracePoolOptions options, ServiceEndpointResolver discovery, ILoggerFactory loggerFactory)
    : PollingResolver(loggerFactory, new RetryBackoff())
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<PoolResolver>();
    private readonly Lock _gate = new();
    private ITimer? _dnsRefresh;
    private IDisposable? _changeRegistration;
    private bool _resolving;
    private bool _changedWhileResolving;
    private bool _disposed;

    protected override async Task ResolveAsync(CancellationToken cancellationToken)
    {
        // A change reported while resolving (which PollingResolver.Refresh would ignore) resolves again here.
        bool again;
        do
        {
            lock (_gate)
            {
                _resolving = true;
                _changedWhileResolving = false;
            }
            var changes = new List<Microsoft.Extensions.Primitives.IChangeToken>();
            try
            {
                await ResolveOnceAsync(changes, cancellationToken);
            }
            finally
            {
                // Watched even when resolving failed: a later change of configuration resolves again.
                again = Watch(changes);
            }
        }
        while (again);
    }

    private async Task ResolveOnceAsync(List<Microsoft.Extensions.Primitives.IChangeToken> changes, CancellationToken cancellationToken)
    {
        var scheme = options.Tls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp;
        var addresses = new List<BalancerAddress>();
        foreach (var worker in options.Workers)
        {
            if (TracePoolOptions.DnsName(worker) is (var host, var port))
            {
                addresses.AddRange(await ResolveDnsAsync(host, port, cancellationToken));
                continue;
            }
            var uri = new Uri(worker);
            addresses.Add(new BalancerAddress(uri.Host, uri.Port));
        }
        foreach (var service in options.Services)
        {
            var source = await discovery.GetEndpointsAsync($"{scheme}://_grpc.{service}", cancellationToken);
            changes.Add(source.ChangeToken);
            foreach (var endpoint in source.Endpoints)
            {
                addresses.Add(endpoint.EndPoint switch
                {
                    UriEndPoint { Uri: var uri } => new BalancerAddress(uri.Host, uri.Port),
                    DnsEndPoint dns => new BalancerAddress(dns.Host, dns.Port),
                    IPEndPoint ip => new BalancerAddress(ip.Address.ToString(), ip.Port),
                    var other => throw new InvalidOperationException($"service discovery gave '{other}' for '{service}', which is not a host and port"),
                });
            }
        }
        var distinct = addresses.DistinctBy(a => PoolWorker.KeyOf(a.EndPoint.Host, a.EndPoint.Port)).ToList();
        Listener(distinct.Count > 0
            ? ResolverResult.ForResult(distinct)
            : ResolverResult.ForFailure(new Status(StatusCode.Unavailable, Describe(options))));
    }

    /// <summary>A worker at each address of <paramref name="host"/>; none while the name does not resolve (a headless Service without ready pods).</summary>
    private async Task<IEnumerable<BalancerAddress>> ResolveDnsAsync(string host, int port, CancellationToken cancellationToken)
    {
        try
        {
            var resolved = await Dns.GetHostAddressesAsync(host, cancellationToken);
            return resolved.Select(address => new BalancerAddress(address.ToString(), port));
        }
        catch (System.Net.Sockets.SocketException e)
        {
            LogDnsFailed(host, e.SocketErrorCode.ToString());
            return [];
        }
    }

    protected override void OnStarted()
    {
        base.OnStarted();
        if (options.Workers.Any(w => TracePoolOptions.DnsName(w) is not null))
        {
            _dnsRefresh = TimeProvider.System.CreateTimer(_ => Refresh(), null, options.DnsRefreshInterval, options.DnsRefreshInterval);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pool worker name {Host} does not resolve ({Error}); its workers are gone until it does")]
    private partial void LogDnsFailed(string host, string error);

    /// <summary>What to configure when no worker is found.</summary>
    public static string Describe(TracePoolOptions options) =>
        $"No inference pool worker is configured: set Pool:Workers (e.g. http://host:50051) or the grpc endpoint of the service(s) {string.Join(", ", options.Services)} (e.g. services__{options.Services.FirstOrDefault() ?? "pool"}__grpc__0=http://host:port).";

    /// <summary>Refreshes when discovery reports a change; true when one was reported during the resolve just done.</summary>
    private bool Watch(List<Microsoft.Extensions.Primitives.IChangeToken> changes)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }
            _changeRegistration?.Dispose();
            _changeRegistration = new Microsoft.Extensions.Primitives.CompositeChangeToken(changes).RegisterChangeCallback(_ => OnChanged(), null);
            _resolving = _changedWhileResolving;
            return _changedWhileResolving;
        }
    }

    private void OnChanged()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            if (_resolving)
            {
                _changedWhileResolving = true;
                return;
            }
        }
        Refresh();
    }

    protected override void Dispose(bool disposing)
    {
        lock (_gate)
        {
            _disposed = true;
            _changeRegistration?.Dispose();
            _dnsRefresh?.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>A failed resolve is tried again after 0.1 s, doubling up to 10 s (Grpc.Net.Client's own policy is internal).</summary>
    private sealed class RetryBackoff : IBackoffPolicyFactory
    {
        public IBackoffPolicy Create() => new Policy();

        private sealed class Policy : IBackoffPolicy
        {
            private TimeSpan _next = TimeSpan.FromMilliseconds(100);

            public TimeSpan NextBackoff()
            {
                var current = _next;
                _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
                return current;
            }
        }
    }
}

/// <summary>Creates the <see cref="PoolResolver"/> for the scheme <c>fleet-pool</c>.</summary>
internal sealed class PoolResolverFactory(TracePoolOptions options, ServiceEndpointResolver discovery) : ResolverFactory
{
    public const string Scheme = "fleet-pool";

    public override string Name => Scheme;

    public override Resolver Create(ResolverOptions resolverOptions)
    {
        ArgumentNullException.ThrowIfNull(resolverOptions);
        return new PoolResolver(options, discovery, resolverOptions.LoggerFactory);
    }
}
