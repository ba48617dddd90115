namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>A connection string handed to referencing resources as <c>ConnectionStrings__{name}</c> (Aspire's <c>AddConnectionString</c>).</summary>
internal sealed class ConnectionStringResource(string name, string connectionString) : IResourceWithEnvironmentSource
{
    public string Name { get; } = name;

    public string ConnectionString { get; } = connectionString;

    public IEnumerable<KeyValuePair<string, string>> ReferenceEnvironment(DistributedApplicationModel model) =>
        [new($"ConnectionStrings__{Name}", ConnectionString)];
}
