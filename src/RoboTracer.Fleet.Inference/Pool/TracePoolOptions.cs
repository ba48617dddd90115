namespace RoboTracer.Fleet.Inference.Pool;

/// <summary>Settings of a <see cref="TracePool"/>, from the <c>Pool</c> configuration section.</summary>
public sealed class TracePoolOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Pool";

    /// <summary>Worker gRPC addresses given directly, e.g. <c>http://10.0.0.5:50051</c>.</summary>
    public List<string> Workers { get; set; } = [];

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
        if (DefaultTimeout <= TimeSpan.Zero || RetryDelay <= TimeSpan.Zero || RefusalCooldown < TimeSpan.Zero)
        {
            throw new ArgumentException("Pool:DefaultTimeout and Pool:RetryDelay must be positive, Pool:RefusalCooldown not negative.");
        }
        var scheme = Tls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp;
        foreach (var worker in Workers)
        {
            if (!Uri.TryCreate(worker, UriKind.Absolute, out var uri) || uri.Scheme != scheme)
            {
                throw new ArgumentException($"Pool:Workers has '{worker}'; each worker must be an absolute {scheme}:// address (Pool:Tls is {(Tls ? "true" : "false")}).");
            }
        }
    }
}
