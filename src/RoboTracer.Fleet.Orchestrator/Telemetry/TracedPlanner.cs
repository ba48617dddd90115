using RoboTracer.Fleet.Domain.Planning;

namespace RoboTracer.Fleet.Orchestrator.Telemetry;

/// <summary>The configured planner, with a span per plan under the task's trace.</summary>
internal sealed class TracedPlanner(IPlanner inner, TaskTelemetry telemetry) : IPlanner
{
    public async Task<Plan> PlanAsync(PlanningRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = telemetry.StartPlanning(request);
        var plan = await inner.PlanAsync(request, cancellationToken);
        activity?.SetTag("robotracer.steps", plan.Steps.Count);
        return plan;
    }
}
