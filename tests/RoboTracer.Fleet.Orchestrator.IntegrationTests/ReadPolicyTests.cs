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

    [Theory]
    [InlineData("/api/tasks")]
    [InlineData("/api/robots")]
    [InlineData("/api/stream")]
    [InlineData("/api/blobs/0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Reads_without_the_token_are_401(string path)
    {
        using var response = await Host.Http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
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
