using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using RoboTracer.Fleet.Testing;
using RoboTracer.Fleet.Testing.Otlp;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests;

/// <summary>
/// The Orleans Dashboard at <c>/orleans/</c> on a real orchestrator whose reads are open: its page, its JSON routes
/// about this silo and the fleet's grains, and how it leaves the rest of the orchestrator alone.
/// </summary>
public sealed class OrleansDashboardTests(OpenReadsFleet fleet) : IClassFixture<OpenReadsFleet>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private OrchestratorHost Host => fleet.Host;

    [Fact]
    public async Task The_dashboard_page_is_served_at_orleans()
    {
        using var page = await Host.Http.GetAsync("/orleans/");
        using var script = await Host.Http.GetAsync("/orleans/index.min.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Orleans Dashboard</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    [Fact]
    public async Task Its_counters_list_this_silo_as_active_with_the_fleet_grains_it_hosts()
    {
        var counters = await fleet.CountersAsync(Host.Http);

        var silo = Assert.Single(counters["hosts"]!.AsArray());
        Assert.StartsWith(fleet.SiloAddressPrefix, silo!["siloAddress"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Active", silo["status"]!.GetValue<string>());
        // The node activated the robot directory and the task index when it started (FleetNode.StartAsync).
        var grainTypes = counters["simpleGrainStats"]!.AsArray().Select(g => g!["grainType"]!.GetValue<string>()).ToList();
        Assert.Contains("RoboTracer.Fleet.Grains.Robots.RobotDirectoryGrain", grainTypes);
        Assert.Contains("RoboTracer.Fleet.Grains.Tasks.TaskIndexGrain", grainTypes);
    }

    [Fact]
    public async Task The_grain_profiler_counts_calls_to_the_fleet_grains()
    {
        const string method = "RoboTracer.Fleet.Grains.Robots.RobotDirectoryGrain.GetRobotsAsync";
        async Task<long> ProfiledCallsAsync()
        {
            // The profiler runs while the dashboard is being read: each round reads it, calls the robot directory
            // through the API, and looks for those calls in the directory's stats (the silo reports every second).
            await FleetApi.GetAsync(Host.Http, "/api/robots");
            var stats = await FleetApi.GetAsync(Host.Http, "/orleans/GrainStats/RoboTracer.Fleet.Grains.Robots.RobotDirectoryGrain");
            return stats[method] is JsonObject periods ? periods.Sum(p => p.Value!["count"]!.GetValue<long>()) : 0;
        }

        using var deadline = new CancellationTokenSource(Timeout);
        try
        {
            while (true)
            {
                // Asked before the round's calls, so the submission awaited starts after them and carries them.
                var submitted = fleet.Calls.NextCompletedAsync(GrainCallWatch.ProfilerSubmitted);
                if (await ProfiledCallsAsync() > 0)
                {
                    break;
                }
                await submitted.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The dashboard reported no call of {method} within {Timeout.TotalSeconds} s.");
        }
    }

    [Fact]
    public async Task The_dashboard_is_not_in_the_OpenAPI_document()
    {
        var document = await FleetApi.GetAsync(Host.Http, "/openapi/v1.json");

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/robots", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/orleans", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_pages_polling_is_not_traced_while_the_API_is()
    {
        // ASP.NET Core's server spans, recorded unless the endpoint says otherwise; each request carries its own trace.
        var dashboardTrace = ActivityTraceId.CreateRandom();
        var apiTrace = ActivityTraceId.CreateRandom();
        var stopped = new ConcurrentDictionary<ActivityTraceId, bool>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => stopped.TryAdd(activity.TraceId, activity.Recorded),
        };
        ActivitySource.AddActivityListener(listener);

        await GetInTraceAsync("/orleans/DashboardCounters", dashboardTrace);
        await GetInTraceAsync("/api/robots", apiTrace);

        await OtlpReceiver.WaitUntilAsync(() => stopped.ContainsKey(dashboardTrace) && stopped.ContainsKey(apiTrace), Timeout, "both server spans");
        Assert.False(stopped[dashboardTrace]);
        Assert.True(stopped[apiTrace]);
    }

    [Fact]
    public async Task Stopping_the_orchestrator_ends_an_open_dashboard_log_stream()
    {
        // A shutdown timeout far beyond the test's patience: the stream must end because the orchestrator stops, not
        // because the host gives up on it.
        var host = await fleet.StartHostAsync(new Dictionary<string, string?> { ["shutdownTimeoutSeconds"] = "600" }, OrleansDashboardFleet.FreePort());
        // A client of its own: the host's clients go with the host, and the stream must be ended by the server.
        using var client = new HttpClient { BaseAddress = host.HttpAddress, Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        using var response = await client.GetAsync("/orleans/Trace", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        // The banner: the stream is open and the endpoint is waiting for log lines.
        Assert.True(await stream.ReadAsync(buffer) > 0);

        await host.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(2));

        await ReadUntilEndedAsync(stream, buffer).WaitAsync(TimeSpan.FromMinutes(2));
    }

    private async Task GetInTraceAsync(string path, ActivityTraceId trace)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await Host.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Completes once the stream ended, cleanly or by the server aborting it.</summary>
    private static async Task ReadUntilEndedAsync(Stream stream, byte[] buffer)
    {
        try
        {
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
        }
    }
}
