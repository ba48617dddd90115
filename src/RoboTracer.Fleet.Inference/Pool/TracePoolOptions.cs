namespace RoboTracer.Fleet.Inference.Pool;

/// <summary>Settings of a <see cref="TracePool"/>.</summary>
public sealed class TracePoolOptions
{
    /// <summary>Worker gRPC addresses, e.g. <c>http://10.0.0.5:50051</c>.</summary>
    public List<string> Workers { get; set; } = [];

    /// <summary>Deadline of a trace call when the caller gives none. Default 30 s.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per call, the first included, on different workers where possible. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Base delay between attempts (exponential with jitter). Default 20 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Share of failed calls in the sampling window that opens a worker's circuit. Default 0.5.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Calls in the window before the breaker may open. Default 4.</summary>
    public int BreakerMinimumThroughput { get; set; } = 4;

    /// <summary>How long an open circuit keeps a worker out of rotation. Default 5 s.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Follow each worker's <c>grpc.health.v1.Health/Watch</c>. Default true.</summary>
    public bool WatchHealth { get; set; } = true;

    /// <summary>
    /// Reads the workers from configuration: <c>Pool:Workers</c>, and Aspire's service-discovery convention
    /// <c>services:{service}:grpc:{i}</c> (environment <c>services__pool__grpc__0</c>), which the AppHost sets.
    /// </summary>
    public static TracePoolOptions FromConfiguration(IConfiguration configuration, string service = "pool")
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection("Pool").Get<TracePoolOptions>() ?? new TracePoolOptions();
        foreach (var endpoint in configuration.GetSection($"services:{service}:grpc").GetChildren().OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (!string.IsNullOrEmpty(endpoint.Value) && !options.Workers.Contains(endpoint.Value))
            {
                options.Workers.Add(endpoint.Value);
            }
        }
        return options;
    }
}
