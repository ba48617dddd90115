using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RoboTracer.Fleet.Inference.Worker;

/// <summary>
/// The worker's readiness for <c>/health</c> and for <c>grpc.health.v1</c> Check: healthy while it admits requests,
/// unhealthy while it warms up or drains, with the reason.
/// </summary>
internal sealed class WorkerHealthCheck(WorkerState state) : IHealthCheck
{
    public const string Name = "worker";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.RefusalReason is { } reason ? HealthCheckResult.Unhealthy(reason) : HealthCheckResult.Healthy("serving"));
}
