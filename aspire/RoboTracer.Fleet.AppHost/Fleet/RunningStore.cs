using RoboTracer.Fleet.AppHost.Hosting;
using RoboTracer.Fleet.EventStore.Postgres;

namespace RoboTracer.Fleet.AppHost.Fleet;

/// <summary>The store while the fleet runs: the configuration the orchestrator gets, and the local cluster to stop at the end.</summary>
internal sealed class RunningStore : IAsyncDisposable
{
    private readonly LocalPostgresCluster? _cluster;

    private RunningStore(StorePlan plan, string? connectionString, LocalPostgresCluster? cluster)
    {
        Plan = plan;
        ConnectionString = connectionString;
        _cluster = cluster;
    }

    public StorePlan Plan { get; }

    /// <summary>The PostgreSQL connection string; null for SQLite.</summary>
    public string? ConnectionString { get; }

    /// <summary>Starts what the plan needs. A local cluster that fails falls back to SQLite unless PostgreSQL was asked for.</summary>
    public static async Task<RunningStore> StartAsync(StorePlan plan, string dataDirectory, LogPrefixer log)
    {
        switch (plan.Origin)
        {
            case StoreOrigin.ExternalPostgres:
                return new RunningStore(plan, plan.Target, null);
            case StoreOrigin.LocalPostgres:
                try
                {
                    var cluster = await LocalPostgresCluster.StartAsync(plan.Target);
                    log.Write("postgres", $"listening on 127.0.0.1:{cluster.Port} (data in {plan.Target})");
                    return new RunningStore(plan, cluster.ConnectionString, cluster);
                }
                catch (InvalidOperationException e) when (!plan.Forced)
                {
                    var sqlite = StoreSelection.Choose(StoreKind.Sqlite, null, false, dataDirectory) with { Forced = false };
                    log.Host($"the local PostgreSQL cluster did not start ({FirstLine(e.Message)}); using {sqlite.Describe()} instead");
                    return new RunningStore(sqlite, null, null);
                }
            default:
                return new RunningStore(plan, null, null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0];
}
