namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>One environment variable of a resource; the value is computed once endpoints are allocated, null removes the variable.</summary>
internal sealed record EnvironmentAnnotation(string Key, Func<DistributedApplicationModel, string?> Value);
