namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>A call could not be delivered where placement put its grain.</summary>
public sealed class GrainPlacementException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GrainPlacementException(GrainId grain, string nodeId, string message) : base(message)
    {
        Grain = grain;
        NodeId = nodeId;
    }

    /// <summary>The grain called.</summary>
    public GrainId Grain { get; }

    /// <summary>The node placement named.</summary>
    public string NodeId { get; }
}
