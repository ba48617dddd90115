namespace RoboTracer.Fleet.Domain.Planning;

/// <summary>
/// Turns a long-horizon instruction into ordered steps. Implementations: the deterministic rule planner (the
/// offline default) and the LLM planner (RoboTracer.Fleet.Planner). Declared here because the task grains use it
/// and the planner project implements it.
/// </summary>
public interface IPlanner
{
    /// <summary>Plans <paramref name="request"/>; throws <see cref="PlanningException"/> when it cannot.</summary>
    Task<Plan> PlanAsync(PlanningRequest request, CancellationToken cancellationToken);
}

/// <summary>An instruction that cannot be planned, with the reason in words a user can act on.</summary>
public sealed class PlanningException(string message) : Exception(message);
