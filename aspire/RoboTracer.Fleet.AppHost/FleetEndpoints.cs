using System.Globalization;

namespace RoboTracer.Fleet.AppHost;

/// <summary>
/// How the fleet's services get their endpoints under Aspire. Every service takes standard Kestrel endpoint
/// configuration (DESIGN.md §4): endpoint <c>Grpc</c> speaks HTTP/2 cleartext, <c>Http</c> HTTP/1.1, so each Aspire
/// endpoint is handed over as <c>Kestrel__Endpoints__{Name}__Url</c> with the port DCP chose for this replica (its
/// target port; clients reach it through the endpoint's proxy). ASPNETCORE_URLS is left out: Kestrel would
/// otherwise warn that its named endpoints override it.
/// </summary>
internal static class FleetEndpoints
{
    public const string Http = "http";
    public const string Grpc = "grpc";

    /// <summary>Endpoint <c>http</c> (REST, dashboards, health); <paramref name="port"/> fixes its proxy port (0 or null: any free one).</summary>
    public static IResourceBuilder<ProjectResource> WithFleetHttpEndpoint(this IResourceBuilder<ProjectResource> project, int? port = null) =>
        project.WithKestrelEndpoint(Http, "Http", port);

    /// <summary>Endpoint <c>grpc</c> (HTTP/2 cleartext with prior knowledge).</summary>
    public static IResourceBuilder<ProjectResource> WithFleetGrpcEndpoint(this IResourceBuilder<ProjectResource> project) =>
        project.WithKestrelEndpoint(Grpc, "Grpc", null);

    /// <summary>
    /// The silo-to-silo and gateway ports of each replica (<c>Orleans__Endpoints__SiloPort</c>/<c>GatewayPort</c>, as
    /// Aspire.Hosting.Orleans names them). Orleans listens on the machine's address, not behind the proxy: the ports
    /// are only handed over, so every replica gets its own.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithOrleansEndpoints(this IResourceBuilder<ProjectResource> silo) => silo
        .WithEndpoint(name: "orleans-silo", scheme: "tcp", env: "Orleans__Endpoints__SiloPort", isExternal: false)
        .WithEndpoint(name: "orleans-gateway", scheme: "tcp", env: "Orleans__Endpoints__GatewayPort", isExternal: false);

    private static IResourceBuilder<ProjectResource> WithKestrelEndpoint(this IResourceBuilder<ProjectResource> project, string name, string kestrelName, int? port)
    {
        project.WithEndpoint(name: name, scheme: "http", port: port is > 0 ? port : null)
            .WithEndpointsInEnvironment(_ => false);
        var endpoint = project.GetEndpoint(name);
        return project.WithEnvironment(
            $"Kestrel__Endpoints__{kestrelName}__Url",
            ReferenceExpression.Create($"http://localhost:{endpoint.Property(EndpointProperty.TargetPort)}"));
    }

    /// <summary>A whole number as configuration text.</summary>
    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
