namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>Fluent configuration of one resource, with Aspire's method names.</summary>
internal sealed class ResourceBuilder<T>(T resource) where T : Resource
{
    public T Resource { get; } = resource;

    /// <summary>Runs <paramref name="replicas"/> copies, each with its own ports; references list every replica.</summary>
    public ResourceBuilder<T> WithReplicas(int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        Resource.Replicas = replicas;
        return this;
    }

    /// <summary>
    /// A named endpoint handed to the process as Kestrel endpoint <paramref name="kestrelName"/>, or as its bare port
    /// in variable <paramref name="env"/>; a free port unless <paramref name="port"/> is set. The port stays the
    /// same across restarts of the process.
    /// </summary>
    public ResourceBuilder<T> WithEndpoint(string name, string? kestrelName = null, int? port = null, string? env = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Resource.Endpoints.Any(e => e.Name == name))
        {
            throw new InvalidOperationException($"Resource '{Resource.Name}' already has an endpoint '{name}'.");
        }
        Resource.Endpoints.Add(new EndpointAnnotation(name, kestrelName, port, PortVariable: env));
        return this;
    }

    /// <summary>Endpoint <c>http</c> as Kestrel's <c>Http</c> (HTTP/1.1).</summary>
    public ResourceBuilder<T> WithHttpEndpoint(int? port = null) => WithEndpoint("http", "Http", port);

    /// <summary>Endpoint <c>grpc</c> as Kestrel's <c>Grpc</c> (HTTP/2 cleartext).</summary>
    public ResourceBuilder<T> WithGrpcEndpoint(int? port = null) => WithEndpoint("grpc", "Grpc", port);

    public ResourceBuilder<T> WithEnvironment(string key, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        Resource.Environment.Add(new EnvironmentAnnotation(key, _ => value));
        return this;
    }

    /// <summary>An environment variable holding another resource's endpoint URL.</summary>
    public ResourceBuilder<T> WithEnvironment(string key, EndpointReference endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(endpoint);
        Resource.Environment.Add(new EnvironmentAnnotation(key, endpoint.Url));
        return this;
    }

    public ResourceBuilder<T> WithArgs(params string[] arguments)
    {
        Resource.Arguments.AddRange(arguments);
        return this;
    }

    /// <summary>Hands over <paramref name="source"/>'s endpoints as <c>services__{name}__{endpoint}__{replica}</c>.</summary>
    public ResourceBuilder<T> WithReference<TOther>(ResourceBuilder<TOther> source) where TOther : Resource
    {
        ArgumentNullException.ThrowIfNull(source);
        Resource.References.Add(source.Resource);
        return this;
    }

    /// <summary>Hands over a connection string as <c>ConnectionStrings__{name}</c>.</summary>
    public ResourceBuilder<T> WithReference(ConnectionStringResource connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        Resource.References.Add(connectionString);
        return this;
    }

    /// <summary>Starts this resource only once every replica of <paramref name="dependency"/> is healthy.</summary>
    public ResourceBuilder<T> WaitFor<TOther>(ResourceBuilder<TOther> dependency) where TOther : Resource
    {
        ArgumentNullException.ThrowIfNull(dependency);
        Resource.WaitsFor.Add(dependency.Resource);
        return this;
    }

    /// <summary>Healthy when GET <paramref name="path"/> on the endpoint answers 2xx.</summary>
    public ResourceBuilder<T> WithHttpHealthCheck(string path, string endpointName = "http")
    {
        Resource.HealthProbe = new HttpHealthProbe(endpointName, path);
        return this;
    }

    /// <summary>Healthy when <c>grpc.health.v1.Health/Check</c> on the endpoint answers SERVING.</summary>
    public ResourceBuilder<T> WithGrpcHealthCheck(string endpointName = "grpc")
    {
        Resource.HealthProbe = new GrpcHealthProbe(endpointName);
        return this;
    }

    public ResourceBuilder<T> WithRestartPolicy(RestartPolicy policy)
    {
        Resource.RestartPolicy = policy ?? throw new ArgumentNullException(nameof(policy));
        return this;
    }

    public EndpointReference GetEndpoint(string name, int replica = 0) => new(Resource, name, replica);
}
