using Microsoft.Playwright;
using RoboTracer.Fleet.Testing;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests.Dashboard;

/// <summary>
/// A fleet for the browser tests: a pool worker, an orchestrator on SQLite, four scripted robots (robot-1..3 follow
/// every trace at once; robot-4 holds each step until a test executes it) and Debian's chromium driven by Playwright.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    /// <summary>Where Debian's chromium package puts the browser; test.sh installs it (DESIGN.md §4).</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>The robot whose steps a test drives by hand (<see cref="TestRobot.AutoExecute"/> off).</summary>
    public const string ManualRobot = "robot-4";

    private readonly FleetFixture _fleet = new();
    private readonly List<TestRobot> _robots = [];
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public OrchestratorHost Host => _fleet.Host;

    public IReadOnlyList<TestRobot> Robots => _robots;

    public TestRobot Robot(string id) => _robots.Single(r => r.Id == id);

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        // Checked first and never skipped: under CI=true a browser test that cannot run must fail (DESIGN.md §4).
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"The dashboard's browser tests need Debian's chromium at {ChromiumPath}, which is missing. " +
                "Install it with 'sudo apt-get install -y chromium' (./test.sh does). Playwright's own browser download is not used: the test machines have no network.");
        }
        await _fleet.InitializeAsync();
        for (var n = 1; n <= 4; n++)
        {
            var robot = await TestRobot.ConnectAsync(Host.Channel, $"robot-{n}", OrchestratorHost.RobotToken($"robot-{n}"));
            robot.AutoExecute = robot.Id != ManualRobot;
            _robots.Add(robot);
        }
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Containers and CI runners seldom allow chromium's user-namespace sandbox.
            Args = ["--no-sandbox"],
        });
        // Everything in these tests crosses a browser, SSE, grains and a pool worker on two shared cores.
        Assertions.SetDefaultExpectTimeout(60_000);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        foreach (var robot in _robots)
        {
            await robot.DisposeAsync();
        }
        await _fleet.DisposeAsync();
    }
}
