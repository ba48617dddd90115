using Microsoft.Playwright;
using RoboTracer.Fleet.Testing;

namespace RoboTracer.Fleet.AppHost.IntegrationTests.EndToEnd;

/// <summary>One fleet on SQLite with the Aspire dashboard, shared by the dashboard's tests.</summary>
public sealed class DashboardFleet : IAsyncLifetime
{
    internal FleetApp Fleet { get; private set; } = null!;

    public async Task InitializeAsync() => Fleet = await FleetApp.StartAsync("sqlite", dashboard: true);

    public async Task DisposeAsync() => await Fleet.DisposeAsync();
}

/// <summary>What the Aspire dashboard shows of the fleet (issue 16): its telemetry and its resources page.</summary>
public sealed class AspireDashboardTests(DashboardFleet dashboardFleet) : IClassFixture<DashboardFleet>
{
    /// <summary>Where Debian's chromium package puts the browser; test.sh installs it (DESIGN.md §4).</summary>
    private const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] Resources = ["orchestrator", "pool-1", "pool-2", "simulator"];

    [Fact]
    public async Task One_trace_per_task_reaches_the_Aspire_dashboard_from_submission_through_planning_the_pool_workers_and_the_robots()
    {
        var fleet = dashboardFleet.Fleet;
        var apiKey = fleet.Configuration["AppHost:DashboardApiKey"] ?? throw new InvalidOperationException("the AppHost has no AppHost:DashboardApiKey");
        await FleetApi.WaitForRobotsAsync(fleet.Http, FleetApi.Online(4));

        var task = await FleetEndToEndTests.SubmitAsync(fleet, "put the red cup on the plate");
        await FleetApi.WaitForTaskAsync(fleet.Http, task, FleetApi.IsTerminal, TimeSpan.FromMinutes(2));

        string[] expected = ["task.submit", "task.plan", "trace.query", "robot.step", "robot.execute"];
        var spans = await WaitForSpansAsync(fleet, apiKey, all => expected.All(name => all.Any(s => s.Name == name && s.Attributes.GetValueOrDefault("robotracer.task") == task)), $"spans {string.Join(", ", expected)} of task {task}");
        var ofTask = spans.Where(s => s.Attributes.GetValueOrDefault("robotracer.task") == task).ToList();
        var trace = Assert.Single(ofTask.Select(s => s.TraceId).Distinct());
        Assert.All(ofTask.Where(s => s.Name != "robot.execute"), s => Assert.Equal("orchestrator", s.Service));
        // The robot's span of following a trace is a child of the orchestrator's span that sent it.
        var sent = ofTask.Where(s => s.Name == "robot.step").Select(s => s.SpanId).ToHashSet();
        Assert.All(ofTask.Where(s => s.Name == "robot.execute"), s =>
        {
            Assert.Equal("simulator", s.Service);
            Assert.Contains(s.ParentSpanId, sent);
        });
        // A pool worker's server span of a trace call belongs to the same trace (grpc-dotnet client → ASP.NET Core).
        spans = await WaitForSpansAsync(fleet, apiKey, all => all.Any(s => s.TraceId == trace && s.Service.StartsWith("pool-", StringComparison.Ordinal) && s.Kind == DashboardSpan.ServerKind), $"a pool worker's server span in trace {trace}");
        // The grain calls the task made are spans of its trace (Orleans' activity propagation); Orleans' own calls
        // appear only inside traces, and the robots' heartbeats are not traced.
        Assert.Contains(spans, s => s.TraceId == trace && s.Scope == "Microsoft.Orleans.Application" && s.Service == "orchestrator");
        Assert.DoesNotContain(spans, s => s.Scope == "Microsoft.Orleans.Runtime" && s.ParentSpanId.Length == 0);
        Assert.DoesNotContain(spans, s => s.Service == "orchestrator" && s.Name.Contains("HeartbeatAsync", StringComparison.Ordinal));
    }

    private static async Task<IReadOnlyList<DashboardSpan>> WaitForSpansAsync(FleetApp fleet, string apiKey, Func<IReadOnlyList<DashboardSpan>, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var spans = await DashboardTelemetry.SpansAsync(fleet.Dashboard!, apiKey);
            if (done(spans))
            {
                return spans;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the Aspire dashboard never received {what}; it has {spans.Count} spans from {string.Join(", ", spans.Select(s => s.Service).Distinct())}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    [Fact]
    public async Task Logging_in_with_the_browser_token_shows_every_fleet_resource_running()
    {
        var fleet = dashboardFleet.Fleet;
        // Checked first and never skipped: under CI=true a browser test that cannot run must fail (DESIGN.md §4).
        Assert.True(File.Exists(ChromiumPath), $"The Aspire dashboard's browser test needs Debian's chromium at {ChromiumPath}; install it with 'sudo apt-get install -y chromium' (./test.sh does).");
        var browserToken = fleet.Configuration["AppHost:BrowserToken"] ?? throw new InvalidOperationException("the AppHost has no AppHost:BrowserToken: is the dashboard secured?");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Containers and CI runners seldom allow chromium's user-namespace sandbox; the rest keeps chromium off the network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });

        // The login URL the AppHost prints: the token in the query logs the browser in and lands on the resources page.
        await page.GotoAsync(new Uri(fleet.Dashboard!, $"/login?t={browserToken}").ToString());

        try
        {
            // Blazor Server renders the grid over its circuit after the page loads: each expectation waits for it.
            foreach (var resource in Resources)
            {
                var row = page.Locator("[role=row]").Filter(new LocatorFilterOptions { HasText = resource }).First;
                await Assertions.Expect(row).ToContainTextAsync("Running", new LocatorAssertionsToContainTextOptions { Timeout = 60_000 });
            }
            // The orchestrator's links to the fleet dashboard and the Orleans dashboard.
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Fleet dashboard" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Orleans dashboard" })).ToBeVisibleAsync();
            Assert.DoesNotContain("/login", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        }
        catch (Exception failure) when (failure is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
        {
            var screenshot = Path.Combine(Path.GetTempPath(), $"aspire-dashboard-{DateTime.UtcNow:yyyyMMdd-HHmmss}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            throw new Xunit.Sdk.XunitException($"{failure.Message}\nScreenshot: {screenshot}\nURL: {page.Url}", failure);
        }
    }
}
