namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>Why an activation ends.</summary>
public enum DeactivationReasonCode
{
    /// <summary>It was idle for longer than the collection age.</summary>
    ActivationIdle,
    /// <summary>The grain asked (<see cref="Grain.DeactivateOnIdle"/>).</summary>
    ApplicationRequested,
    /// <summary>Its state is stale or unknown: a write was rejected or failed, so it must reload.</summary>
    StaleActivation,
    /// <summary>The runtime is shutting down.</summary>
    RuntimeShutdown,
}

/// <summary>Why an activation ends, with a description for logs.</summary>
/// <param name="ReasonCode">The reason.</param>
/// <param name="Description">In words.</param>
public readonly record struct DeactivationReason(DeactivationReasonCode ReasonCode, string Description);
