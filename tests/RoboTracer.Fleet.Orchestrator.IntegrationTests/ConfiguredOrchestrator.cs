using RoboTracer.Fleet.Testing;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests;

/// <summary>
/// A pool worker and an orchestrator on a SQLite file of their own with extra settings, for tests of a setting the
/// shared <see cref="FleetFixture"/> does not have.
/// </summary>
internal sealed class ConfiguredOrchestrator : IAsyncDisposable
{
    private readonly string _directory;
    private readonly InferenceWorker _worker;

    private ConfiguredOrchestrator(string directory, InferenceWorker worker, OrchestratorHost host)
    {
        _directory = directory;
        _worker = worker;
        Host = host;
    }

    public OrchestratorHost Host { get; }

    public static async Task<ConfiguredOrchestrator> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var directory = Path.Combine(Path.GetTempPath(), "fleet-configured-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var worker = await InferenceWorker.StartAsync();
        var host = await OrchestratorHost.StartAsync(worker.GrpcAddress, Store.Sqlite(Path.Combine(directory, "fleet.db")), settings);
        return new ConfiguredOrchestrator(directory, worker, host);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await _worker.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
