namespace RoboTracer.Fleet.Inference.Pool;

/// <summary>Settings of a <see cref="TracePool"/>, from the <c>Pool</c> configuration section.</summary>
public sealed class TracePoolOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Pool";

    /// <summary>The scheme of a worker address that stands for every address its name resolves to (gRPC's naming, <c>dns:///host:port</c>).</summary>
    public const string DnsScheme = "dns:///";

    /// <summary>
    /// Worker gRPC addresses given directly: <c>http://10.0.0.5:50051</c> is one worker; <c>dns:///name:50051</c> is a
    /// worker at every address <c>name</c> resolves to, resolved again every <see cref="DnsRefreshInterval"/> (a
    /// Kubernetes headless Service: one address per ready pod, so the balancer sees each worker).
    /// </summary>
    public List<string> Workers { get; set; } = [];

    /// <summary>How often <c>dns:///</c> workers are resolved again (workers come and go). Default 15 s.</summary>
    public TimeSpan DnsRefreshInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Services whose <c>grpc</c> endpoints are workers, found by service discovery
    /// (Microsoft.Extensions.ServiceDiscovery: <c>services:{name}:grpc:{i}</c> in configuration, which the Aspire
    /// AppHost sets as <c>services__pool__grpc__0</c>). Default: <c>pool</c>.
    /// </summary>
    public List<string> Services { get; set; } = ["pool"];

    /// <summary>Talk to the workers over TLS (https addresses) instead of cleartext HTTP/2. Default false.</summary>
    public bool Tls { get; set; }

    /// <summary>Deadline of a trace call when the caller gives none. Default 30 s.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per call, the first included, on different workers where possible: 1 to 5. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Delay before the first retry; each later one doubles it (gRPC retry policy, with jitter). Default 20 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long a worker that refused a call (UNAVAILABLE, RESOURCE_EXHAUSTED) or could not be reached is passed
    /// over while other workers can take calls. Default 250 ms.
    /// </summary>
    public TimeSpan RefusalCooldown { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Follow each worker's <c>grpc.health.v1.Health/Watch</c>. Default true.</summary>
    public bool WatchHealth { get; set; } = true;

    /// <summary>The options under <c>Pool</c> in <paramref name="configuration"/>.</summary>
    public static TracePoolOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var options = section.Get<TracePoolOptions>() ?? new TracePoolOptions();
        // Binding adds a configured list to its default instead of replacing it: configured services replace "pool".
        var services = section.GetSection(nameof(Services));
        if (services.Exists())
        {
            options.Services = [.. services.GetChildren().Select(c => c.Value).OfType<string>()];
        }
        return options;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting that is out of range.</summary>
    public void Validate()
    {
        if (MaxAttempts is < 1 or > 5)
        {
            throw new ArgumentException($"Pool:MaxAttempts is {MaxAttempts}; it must be 1 to 5 (a gRPC retry policy allows at most 5 attempts).");
        }
        if (DefaultTimeout <= TimeSpan.Zero || RetryDelay <= TimeSpan.Zero || RefusalCooldown < TimeSpan.Zero || DnsRefreshInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("Pool:DefaultTimeout, Pool:RetryDelay and Pool:DnsRefreshInterval must be positive, Pool:RefusalCooldown not negative.");
        }
        var scheme = Tls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp;
        foreach (var worker in Workers)
        {
            if (worker.StartsWith(DnsScheme, StringComparison.OrdinalIgnoreCase) ? DnsName(worker) is null
                : !Uri.TryCreate(worker, UriKind.Absolute, out var uri) || uri.Scheme != scheme)
            {
                throw new ArgumentException(
                    $"Pool:Workers has '{worker}'; each worker must be an absolute {scheme}:// address (Pool:Tls is {(Tls ? "true" : "false")}), or {DnsScheme}NAME:PORT for a worker at every address NAME resolves to.");
            }
        }
    }

    /// <summary>The name and port of a <c>dns:///name:port</c> worker; null for any other address (or no port).</summary>
    public static (string Host, int Port)? DnsName(string worker) =>
        worker.StartsWith(DnsScheme, StringComparison.OrdinalIgnoreCase)
        && Uri.TryCreate("tcp://" + worker[DnsScheme.Length..], UriKind.Absolute, out var uri)
        && uri is { IsDefaultPort: false, AbsolutePath: "" or "/", Query: "", Host.Length: > 0 }
            ? (uri.IdnHost, uri.Port)
            : null;
}
