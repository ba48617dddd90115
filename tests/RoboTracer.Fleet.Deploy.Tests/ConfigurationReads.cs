using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;
using RoboTracer.Fleet.Inference;
using RoboTracer.Fleet.Inference.Pool;
using RoboTracer.Fleet.Inference.Worker;
using RoboTracer.Fleet.Orchestrator;
using RoboTracer.Fleet.ServiceDefaults;

namespace RoboTracer.Fleet.Deploy.Tests;

/// <summary>
/// Which configuration keys a service really reads: its own composition (<c>AddServiceDefaults</c> and
/// <c>AddFleetOrchestrator</c> or <c>AddInferenceWorker</c>, as its Program.cs calls them) runs over a configuration
/// that records every key looked up, then the options it binds lazily are resolved as the host does on start
/// (Kestrel's endpoints, Orleans' endpoints, the pool). A key that was set but never looked up is one no code reads.
/// </summary>
internal static class ConfigurationReads
{
    /// <summary>Environment variables as configuration keys, the way the environment provider maps them ('__' is ':').</summary>
    public static Dictionary<string, string?> Keys(IReadOnlyDictionary<string, string> environment) =>
        environment.ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>The keys of <paramref name="environment"/> the orchestrator never reads.</summary>
    public static IReadOnlyList<string> UnreadByOrchestrator(IReadOnlyDictionary<string, string> environment)
    {
        var (builder, reads) = Builder(environment);
        builder.AddServiceDefaults();
        builder.AddFleetOrchestrator();
        using var app = builder.Build();
        LoadKestrelEndpoints(app);
        // Orleans' endpoints (ports, the advertised address) are configured when the silo reads its options.
        _ = app.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        _ = app.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        // FleetNode opens the pool from the configuration when the silo starts (TracePool.FromConfiguration).
        TracePoolOptions.FromConfiguration(app.Configuration).Validate();
        var unread = Unread(environment, reads);
        // Orleans' Kubernetes hosting reads its variables from the process environment, not from configuration:
        // they count as read where the composition registered it (FleetSilo, Orleans:Kubernetes:Enabled). POD_IP is
        // not among them: the package reads it only when no address is advertised, and FleetSilo always sets one.
        return builder.Services.Any(d => d.ImplementationType == typeof(KubernetesClusterAgent))
            ? [.. unread.Where(key => !KubernetesHostingVariables.Contains(key))]
            : unread;
    }

    /// <summary>The environment variables Microsoft.Orleans.Hosting.Kubernetes reads when a silo uses it.</summary>
    public static IReadOnlySet<string> KubernetesHostingVariables { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        KubernetesHostingOptions.PodNameEnvironmentVariable,
        KubernetesHostingOptions.PodNamespaceEnvironmentVariable,
        KubernetesHostingOptions.ClusterIdEnvironmentVariable,
        KubernetesHostingOptions.ServiceIdEnvironmentVariable,
    };

    /// <summary>The keys of <paramref name="environment"/> a pool worker never reads.</summary>
    public static IReadOnlyList<string> UnreadByWorker(IReadOnlyDictionary<string, string> environment)
    {
        var (builder, reads) = Builder(environment);
        builder.AddServiceDefaults();
        builder.AddInferenceWorker();
        using var app = builder.Build();
        LoadKestrelEndpoints(app);
        _ = app.Services.GetRequiredService<IOptions<InferenceWorkerOptions>>().Value;
        try
        {
            // Creates the configured backends from Inference:Backends, as MapInferenceWorker does.
            _ = app.Services.GetRequiredService<BackendRegistry>();
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidOperationException or DirectoryNotFoundException)
        {
            // The onnx backend opens its model, which the test machine does not have, after reading its options;
            // a key it would read only later stays unread and fails the check, so nothing is hidden here.
        }
        return Unread(environment, reads);
    }

    private static (WebApplicationBuilder Builder, RecordingProvider Reads) Builder(IReadOnlyDictionary<string, string> environment)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        // Kestrel as the services' builders register it; it is built, never started.
        builder.WebHost.UseKestrelCore();
        var source = new RecordingSource(Keys(environment));
        ((IConfigurationBuilder)builder.Configuration).Add(source);
        return (builder, source.Provider);
    }

    private static void LoadKestrelEndpoints(WebApplication app)
    {
        var kestrel = app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;
        kestrel.ApplicationServices = app.Services;
        kestrel.ConfigurationLoader?.Load();
    }

    private static string[] Unread(IReadOnlyDictionary<string, string> environment, RecordingProvider reads) =>
        [.. Keys(environment).Keys.Where(key => !reads.WasRead(key)).Order(StringComparer.Ordinal)];

    private sealed class RecordingSource(IDictionary<string, string?> data) : IConfigurationSource
    {
        public RecordingProvider Provider { get; } = new(data);

        public IConfigurationProvider Build(IConfigurationBuilder builder) => Provider;
    }

    private sealed class RecordingProvider : ConfigurationProvider
    {
        private readonly HashSet<string> _read = new(StringComparer.OrdinalIgnoreCase);

        public RecordingProvider(IDictionary<string, string?> data) => Data = new Dictionary<string, string?>(data, StringComparer.OrdinalIgnoreCase);

        public bool WasRead(string key)
        {
            lock (_read)
            {
                return _read.Contains(key);
            }
        }

        public override bool TryGet(string key, out string? value)
        {
            lock (_read)
            {
                _read.Add(key);
            }
            return base.TryGet(key, out value);
        }
    }
}
