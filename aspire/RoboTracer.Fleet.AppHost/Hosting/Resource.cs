namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>
/// A process the application runs, in Aspire's vocabulary: replicas, named endpoints, environment, references to
/// other resources and the resources it waits for. Subclasses say what command a replica runs. Referencing a
/// resource hands over its endpoints with Aspire's service-discovery convention, <c>services__{name}__{endpoint}__{i}</c>.
/// </summary>
internal abstract class Resource(string name) : IResourceWithEnvironmentSource
{
    public string Name { get; } = ResourceNames.Validate(name);

    public int Replicas { get; set; } = 1;

    public List<EndpointAnnotation> Endpoints { get; } = [];

    /// <summary>Environment variables in the order they were added; a later one replaces an earlier one; null removes an inherited one.</summary>
    public List<EnvironmentAnnotation> Environment { get; } = [];

    public List<string> Arguments { get; } = [];

    public List<IResourceWithEnvironmentSource> References { get; } = [];

    public List<Resource> WaitsFor { get; } = [];

    public HealthProbe? HealthProbe { get; set; }

    public RestartPolicy RestartPolicy { get; set; } = RestartPolicy.Default;

    /// <summary>The program to run and its leading arguments (before <see cref="Arguments"/>).</summary>
    public abstract (string FileName, IReadOnlyList<string> Arguments) Command { get; }

    public abstract string WorkingDirectory { get; }

    /// <summary>True for a .NET host that understands the fleet's configuration conventions (logging, OTLP).</summary>
    public virtual bool IsDotNetHost => false;

    /// <summary>The name of one replica: the resource's name when it has one, <c>name-0</c>, <c>name-1</c>… otherwise.</summary>
    public string ReplicaName(int replica) => Replicas == 1 ? Name : $"{Name}-{replica}";

    public IEnumerable<KeyValuePair<string, string>> ReferenceEnvironment(DistributedApplicationModel model)
    {
        foreach (var endpoint in Endpoints)
        {
            for (var replica = 0; replica < Replicas; replica++)
            {
                yield return new($"services__{Name}__{endpoint.Name}__{replica}", model.Url(this, endpoint.Name, replica));
            }
        }
    }
}
