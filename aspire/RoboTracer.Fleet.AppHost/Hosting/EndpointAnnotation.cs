namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>
/// A named endpoint of a resource. <paramref name="KestrelName"/> is the Kestrel endpoint it is handed over as
/// (<c>Kestrel__Endpoints__{KestrelName}__Url</c>, DESIGN.md §4); null for a resource that is not a Kestrel host.
/// <paramref name="Port"/> fixes the port (one replica only); null or 0 takes a free loopback port.
/// <paramref name="PortVariable"/>, when set, is the environment variable the port is handed over in (Aspire's
/// <c>WithEndpoint(env: …)</c>), for endpoints that are not Kestrel's, such as an Orleans silo's.
/// </summary>
internal sealed record EndpointAnnotation(string Name, string? KestrelName, int? Port, string Scheme = "http", string? PortVariable = null);
