namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>One replica's endpoint, resolved to a URL once ports are allocated (Aspire's <c>EndpointReference</c>).</summary>
internal sealed record EndpointReference(Resource Resource, string EndpointName, int Replica = 0)
{
    public string Url(DistributedApplicationModel model) => model.Url(Resource, EndpointName, Replica);
}
