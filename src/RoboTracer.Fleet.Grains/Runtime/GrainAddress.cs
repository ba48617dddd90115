namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>Where placement put a grain.</summary>
/// <param name="Grain">The grain.</param>
/// <param name="NodeId">The node that owns it.</param>
/// <param name="IsLocal">True when that node is this one.</param>
public sealed record GrainAddress(GrainId Grain, string NodeId, bool IsLocal);
