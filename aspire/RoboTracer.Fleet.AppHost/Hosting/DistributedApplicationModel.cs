namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>
/// The resources with their allocated endpoints: everything a replica's process needs is computed here, before
/// anything starts, so the hand-over can be checked without running a process.
/// </summary>
internal sealed class DistributedApplicationModel
{
    private readonly Dictionary<(Resource Resource, string Endpoint, int Replica), int> _ports;

    public DistributedApplicationModel(IReadOnlyList<Resource> resources, Dictionary<(Resource Resource, string Endpoint, int Replica), int> ports)
    {
        Resources = resources;
        _ports = ports;
    }

    public IReadOnlyList<Resource> Resources { get; }

    public Resource this[string name] => Resources.FirstOrDefault(r => r.Name == name) ?? throw new KeyNotFoundException($"No resource named '{name}'.");

    public int Port(Resource resource, string endpoint, int replica = 0) =>
        _ports.TryGetValue((resource, endpoint, replica), out var port) ? port : throw new KeyNotFoundException($"Resource '{resource.Name}' has no endpoint '{endpoint}' (replica {replica}).");

    public string Url(Resource resource, string endpoint, int replica = 0)
    {
        var annotation = resource.Endpoints.First(e => e.Name == endpoint);
        return $"{annotation.Scheme}://127.0.0.1:{Port(resource, endpoint, replica)}";
    }

    /// <summary>
    /// The variables one replica gets on top of the AppHost's own environment, later sources winning: its Kestrel
    /// endpoints and other endpoint ports, OpenTelemetry identity and logging format, what its references hand over, then its own
    /// <c>WithEnvironment</c> values.
    /// </summary>
    public IReadOnlyDictionary<string, string?> EnvironmentFor(Resource resource, int replica)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var endpoint in resource.Endpoints.Where(e => e.KestrelName is not null))
        {
            environment[$"Kestrel__Endpoints__{endpoint.KestrelName}__Url"] = Url(resource, endpoint.Name, replica);
        }
        foreach (var endpoint in resource.Endpoints.Where(e => e.PortVariable is not null))
        {
            environment[endpoint.PortVariable!] = Port(resource, endpoint.Name, replica).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (resource.IsDotNetHost)
        {
            // Aspire's conventions: replicas share a service name and differ in service.instance.id.
            environment["OTEL_SERVICE_NAME"] = resource.Name;
            environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={resource.ReplicaName(replica)}";
            // One line per log entry, so every line of it carries the [name] prefix; the AppHost's own setting wins.
            // The formatter is named because without a name the console logger ignores FormatterOptions.
            if (System.Environment.GetEnvironmentVariable("Logging__Console__FormatterName") is null)
            {
                environment["Logging__Console__FormatterName"] = "simple";
                environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
            }
        }
        foreach (var reference in resource.References)
        {
            foreach (var (key, value) in reference.ReferenceEnvironment(this))
            {
                environment[key] = value;
            }
        }
        foreach (var annotation in resource.Environment)
        {
            environment[annotation.Key] = annotation.Value(this);
        }
        return environment;
    }

    public ProcessSpec ProcessSpecFor(Resource resource, int replica)
    {
        var (fileName, leading) = resource.Command;
        return new ProcessSpec(resource.ReplicaName(replica), fileName, [.. leading, .. resource.Arguments], resource.WorkingDirectory, EnvironmentFor(resource, replica));
    }
}
