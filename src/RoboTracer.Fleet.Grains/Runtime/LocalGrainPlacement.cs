namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>Every grain lives on this node.</summary>
/// <param name="nodeId">This node's id.</param>
public sealed class LocalGrainPlacement(string nodeId) : IGrainPlacement
{
    /// <inheritdoc />
    public ValueTask<GrainAddress> PlaceAsync(GrainId grain, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new GrainAddress(grain, nodeId, IsLocal: true));
}
