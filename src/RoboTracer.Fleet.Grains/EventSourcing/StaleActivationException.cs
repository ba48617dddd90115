namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>
/// A journaled grain's activation tried to write with a version the store had moved past: another activation
/// (on another node, or one that replaced it) wrote first. The write was rejected, the activation is
/// deactivated and will never write again; the next call reloads the grain's state. Retry the call.
/// </summary>
public sealed class StaleActivationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StaleActivationException(GrainId grain, string nodeId, string streamId, long activationVersion, long storeVersion, Exception? innerException)
        : base($"The activation of grain {grain} on node '{nodeId}' is stale: it holds stream '{streamId}' at version {activationVersion} but the store is at {storeVersion}. It was deactivated and will not write; retry the call to use fresh state.", innerException)
    {
        Grain = grain;
        StreamId = streamId;
        ActivationVersion = activationVersion;
        StoreVersion = storeVersion;
    }

    /// <summary>The grain.</summary>
    public GrainId Grain { get; }

    /// <summary>Its stream.</summary>
    public string StreamId { get; }

    /// <summary>The version the activation had.</summary>
    public long ActivationVersion { get; }

    /// <summary>The version the store had.</summary>
    public long StoreVersion { get; }
}
