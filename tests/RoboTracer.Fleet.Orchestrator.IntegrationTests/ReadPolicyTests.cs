using System.Net;
using RoboTracer.Fleet.Testing;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests;

/// <summary>With <c>Fleet:RequireTokenForReads</c>, reads and the live stream need the API token too.</summary>
public sealed class ReadPolicyTests : IAsyncLifetime
{
    private ConfiguredOrchestrator? _fleet;

    private OrchestratorHost Host => _fleet!.Host;

    public async Task InitializeAsync() =>
        _fleet = await ConfiguredOrchestrator.StartAsync(new Dictionary<string, string?> { ["Fleet:RequireTokenForReads"] = "true" });

    public async Task DisposeAsync() => await _fleet!.DisposeAsync();

    [Fact]
    public async Task Every_read_route_without_the_token_is_401()
    {
        // From the app's endpoint table: a read route added later is covered too.
        var reads = Host.ApiRoutes.Where(r => r.Method == "GET").Select(r => r.Endpoint.RoutePattern.RawText!).ToList();
        Assert.Contains("/api/tasks/{id}/events", reads);

        foreach (var route in reads)
        {
            var path = route.Replace("{id}", "0123456789abcdef0123456789abcdef", StringComparison.Ordinal).Replace("{sha256}", new string('0', 64), StringComparison.Ordinal);
            using var response = await Host.Http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"GET {path} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Reads_with_the_token_succeed_and_the_stream_takes_it_as_a_query_parameter()
    {
        using var tasks = await Host.Authorized.GetAsync("/api/tasks");
        using var stream = await Host.Http.GetAsync($"/api/stream?access_token={OrchestratorHost.Token}", HttpCompletionOption.ResponseHeadersRead);
        using var wrong = await Host.Http.GetAsync("/api/stream?access_token=nope", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, tasks.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }
}
