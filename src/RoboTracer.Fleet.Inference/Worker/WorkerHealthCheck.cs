using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RoboTracer.Fleet.Inference.Worker;

/// <summary>
/// The worker's readiness for <c>/health</c> and for <c>grpc.health.v1</c> Check: healthy while it admits requests,
/// unhealthy while it warms up, drains or failed to load a backend, with the reason. The description and data name
/// each backend's model and, for in-process models, the execution provider it runs on (CUDA or CPU).
/// </summary>
internal sealed class WorkerHealthCheck(WorkerState state, BackendRegistry backends) : IHealthCheck
{
    public const string Name = "worker";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var backend in backends.All.Select(b => b.Backend))
        {
            data[$"backend.{backend.Name}.model"] = backend.Model;
            if (backend.ExecutionProvider is { } provider)
            {
                data[$"backend.{backend.Name}.execution_provider"] = provider;
            }
        }
        var models = string.Join(", ", backends.All.Select(b => b.Backend.ExecutionProvider is { } provider ? $"{b.Backend.Name} on {provider}" : b.Backend.Name));
        return Task.FromResult(state.RefusalReason is { } reason
            ? HealthCheckResult.Unhealthy(reason, data: data)
            : HealthCheckResult.Healthy($"serving: {models}", data));
    }
}
