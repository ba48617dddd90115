namespace RoboTracer.Fleet.Grains.EventSourcing;

/// <summary>
/// An event-sourced grain's activation tried to write with a version the store had moved past: another activation
/// (on another silo, during a membership change) wrote first. The write was rejected, the activation deactivates
/// and its events are dropped; the next call reloads the grain's state. Retry the call.
/// </summary>
[GenerateSerializer]
public sealed class StaleActivationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StaleActivationException(string grain, string silo, string streamId, long activationVersion, long storeVersion)
        : base($"The activation of grain {grain} on silo {silo} is stale: it holds stream '{streamId}' at version {activationVersion} but the store is at {storeVersion}. It deactivates and did not write; retry the call to use fresh state.")
    {
        Grain = grain;
        StreamId = streamId;
        ActivationVersion = activationVersion;
        StoreVersion = storeVersion;
    }

    /// <summary>The grain.</summary>
    [Id(0)]
    public string Grain { get; }

    /// <summary>Its stream.</summary>
    [Id(1)]
    public string StreamId { get; }

    /// <summary>The version the activation had.</summary>
    [Id(2)]
    public long ActivationVersion { get; }

    /// <summary>The version the store had.</summary>
    [Id(3)]
    public long StoreVersion { get; }
}
