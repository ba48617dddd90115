namespace RoboTracer.Fleet.AppHost.Fleet;

/// <summary>The AppHost's one HttpClient for talking to the orchestrator.</summary>
internal static class DemoHttp
{
    public static HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };
}
