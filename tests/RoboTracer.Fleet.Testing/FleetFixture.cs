using Xunit;

namespace RoboTracer.Fleet.Testing;

/// <summary>One pool worker and one orchestrator on a fresh SQLite store, shared by a test class.</summary>
public sealed class FleetFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fleet-orch-" + Guid.NewGuid().ToString("N")[..8]);
    private InferenceWorker? _worker;
    private OrchestratorHost? _host;

    public OrchestratorHost Host => _host ?? throw new InvalidOperationException("not started");

    public InferenceWorker Worker => _worker ?? throw new InvalidOperationException("not started");

    public string SqlitePath => Path.Combine(_directory, "fleet.db");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _worker = await InferenceWorker.StartAsync();
        _host = await OrchestratorHost.StartAsync(_worker.GrpcAddress, Store.Sqlite(SqlitePath));
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }
        Directory.Delete(_directory, recursive: true);
    }
}
