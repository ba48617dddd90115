namespace RoboTracer.Fleet.AppHost.Postgres;

/// <summary>
/// A PostgreSQL server run from the system's binaries as an Aspire executable resource (no container runtime here,
/// DESIGN.md §2): <c>postgres/run-postgres.sh</c> creates the cluster on first start and runs the server on the
/// port of endpoint <c>tcp</c>. Its connection string is built from that endpoint (the proxy's address and port).
/// </summary>
internal sealed class LocalPostgresResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => field ??= new EndpointReference(this, EndpointName);

    /// <summary>Trust authentication as user postgres: the server listens on loopback only.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={Endpoint.Property(EndpointProperty.Host)};Port={Endpoint.Property(EndpointProperty.Port)};Username=postgres;Database=postgres;Timeout=10;Include Error Detail=true");
}
