namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>Something a resource can reference: it contributes environment variables to the referencing resource.</summary>
internal interface IResourceWithEnvironmentSource
{
    /// <summary>The variables a referencing resource gets, e.g. <c>services__pool__grpc__0</c> or <c>ConnectionStrings__fleetdb</c>.</summary>
    IEnumerable<KeyValuePair<string, string>> ReferenceEnvironment(DistributedApplicationModel model);
}
