namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>
/// Decides which node owns a grain: the one seam for scale-out (DESIGN.md §5). Today
/// <see cref="LocalGrainPlacement"/> puts every grain here. A lease-based placement (node id, epoch, expiry in
/// PostgreSQL) can replace it without touching grains or references; the expected-version appends of
/// <see cref="JournaledGrain{TState, TEvent}"/> fence a node that lost its lease and still writes.
/// </summary>
public interface IGrainPlacement
{
    /// <summary>The owner of <paramref name="grain"/>. Called on every call, so cache: complete synchronously when you can.</summary>
    ValueTask<GrainAddress> PlaceAsync(GrainId grain, CancellationToken cancellationToken = default);
}
