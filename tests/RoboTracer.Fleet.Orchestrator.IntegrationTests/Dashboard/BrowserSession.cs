using System.Text;
using Microsoft.Playwright;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests.Dashboard;

/// <summary>
/// Runs one browser test in a fresh context (its own localStorage) and, when it fails, saves a screenshot and the
/// page's console errors next to the failure, because a browser failure without a picture is guesswork.
/// </summary>
internal static class BrowserSession
{
    /// <summary>Where screenshots go: <c>$TEST_ARTIFACTS</c> when set (CI collects it), else TestResults/screenshots.</summary>
    public static string ArtifactsDirectory =>
        Environment.GetEnvironmentVariable("TEST_ARTIFACTS") is { Length: > 0 } artifacts
            ? artifacts
            : Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public static async Task RunAsync(DashboardFixture fixture, string testName, Func<IPage, Task> test)
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.Host.HttpAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        var console = new StringBuilder();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                console.AppendLine($"console.{message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => console.AppendLine($"page error: {error}");
        try
        {
            await test(page);
        }
        catch (Exception failure)
        {
            var screenshot = await TryScreenshotAsync(page, testName);
            throw new Xunit.Sdk.XunitException(
                $"{failure.Message}\nScreenshot: {screenshot}\nURL: {page.Url}\n{console}", failure);
        }
    }

    private static async Task<string> TryScreenshotAsync(IPage page, string testName)
    {
        var path = Path.Combine(ArtifactsDirectory, $"{testName}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.png");
        try
        {
            Directory.CreateDirectory(ArtifactsDirectory);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            return path;
        }
        catch (Exception e) when (e is PlaywrightException or IOException or UnauthorizedAccessException)
        {
            return $"(none: {e.Message})";
        }
    }
}
