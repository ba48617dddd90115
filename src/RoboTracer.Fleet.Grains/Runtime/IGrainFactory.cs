namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>Hands out grain references (Orleans' <c>IGrainFactory</c>).</summary>
public interface IGrainFactory
{
    /// <summary>
    /// A reference to the grain with <paramref name="primaryKey"/>. Getting one is cheap and does nothing else:
    /// the grain is activated by its first call, wherever placement puts it. A reference holds no location, so it
    /// stays valid across deactivation, restarts and (later) moves between nodes.
    /// </summary>
    /// <exception cref="ArgumentException">The key is empty.</exception>
    /// <exception cref="InvalidOperationException">No grain class is registered for the interface.</exception>
    TGrainInterface GetGrain<TGrainInterface>(string primaryKey) where TGrainInterface : IGrainWithStringKey;
}
