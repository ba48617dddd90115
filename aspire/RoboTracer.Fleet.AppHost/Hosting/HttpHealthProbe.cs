namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>GET of a path (e.g. <c>/alive</c>) answering 2xx.</summary>
internal sealed class HttpHealthProbe(string endpointName, string path) : HealthProbe(endpointName)
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(5) };

    public string Path { get; } = path;

    public override async Task<bool> CheckAsync(string endpointUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Client.GetAsync(new Uri(new Uri(endpointUrl), Path), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Not listening yet, or too slow to answer: not ready.
            return false;
        }
    }
}
