namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>How the AppHost decides that a replica is ready for its dependents: one check of one endpoint.</summary>
internal abstract class HealthProbe(string endpointName)
{
    public string EndpointName { get; } = endpointName;

    /// <summary>True when healthy; false (never an exception) when not yet.</summary>
    public abstract Task<bool> CheckAsync(string endpointUrl, CancellationToken cancellationToken);
}
