namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>
/// The application model under construction (Aspire's <c>IDistributedApplicationBuilder</c>): resources are added in
/// dependency order, then <see cref="Build"/> allocates every endpoint's port.
/// </summary>
internal sealed class DistributedApplicationBuilder(LogPrefixer log, string? dotnetHost = null)
{
    private readonly List<Resource> _resources = [];

    public LogPrefixer Log { get; } = log;

    /// <summary>How long a resource may take to become healthy before the application gives up.</summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromMinutes(3);

    public string DotNetHost { get; } = dotnetHost ?? DotNetHostPath.Find();

    public ResourceBuilder<ProjectResource> AddProject(string name, ProjectLocation project) => Add(new ProjectResource(name, project, DotNetHost));

    public ResourceBuilder<ExecutableResource> AddExecutable(string name, string fileName, string workingDirectory, params string[] arguments) =>
        Add(new ExecutableResource(name, fileName, workingDirectory)).WithArgs(arguments);

#pragma warning disable CA1822 // Aspire's vocabulary: the builder creates every kind of resource.
    public ConnectionStringResource AddConnectionString(string name, string connectionString) => new(name, connectionString);
#pragma warning restore CA1822

    public DistributedApplication Build()
    {
        var ports = new PortAllocator();
        var allocated = new Dictionary<(Resource Resource, string Endpoint, int Replica), int>();
        foreach (var resource in _resources)
        {
            foreach (var dependency in resource.WaitsFor.Where(d => _resources.IndexOf(d) >= _resources.IndexOf(resource)))
            {
                throw new InvalidOperationException($"Resource '{resource.Name}' waits for '{dependency.Name}', which must be added before it.");
            }
            if (resource.HealthProbe is { } probe && resource.Endpoints.All(e => e.Name != probe.EndpointName))
            {
                throw new InvalidOperationException($"Resource '{resource.Name}' has a health check on endpoint '{probe.EndpointName}', which it does not have.");
            }
            foreach (var endpoint in resource.Endpoints)
            {
                // A fixed port goes to the first replica; the others take free ports (there is no proxy to share it).
                for (var replica = 0; replica < resource.Replicas; replica++)
                {
                    allocated[(resource, endpoint.Name, replica)] = endpoint.Port is > 0 && replica == 0 ? endpoint.Port.Value : ports.Next();
                }
            }
        }
        return new DistributedApplication(new DistributedApplicationModel([.. _resources], allocated), Log, ReadyTimeout);
    }

    private ResourceBuilder<T> Add<T>(T resource) where T : Resource
    {
        if (_resources.Any(r => r.Name == resource.Name))
        {
            throw new InvalidOperationException($"A resource named '{resource.Name}' was already added.");
        }
        _resources.Add(resource);
        return new ResourceBuilder<T>(resource);
    }
}
