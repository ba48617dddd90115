using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using RoboTracer.Fleet.Orchestrator.Hosting;
using RoboTracer.Fleet.Testing;
using static Microsoft.Playwright.Assertions;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests;

/// <summary>
/// With <c>Fleet:RequireTokenForReads</c> the Orleans Dashboard needs the API token like every read: as a bearer
/// header, or once as <c>?access_token=</c>, which leaves a cookie for the page's own calls.
/// </summary>
public sealed class OrleansDashboardTokenTests(TokenReadsFleet fleet) : IClassFixture<TokenReadsFleet>
{
    private OrchestratorHost Host => fleet.Host;

    [Theory]
    [InlineData("/orleans/")]
    [InlineData("/orleans/index.min.js")]
    [InlineData("/orleans/DashboardCounters")]
    [InlineData("/orleans/Trace")]
    public async Task Without_a_token_the_page_and_its_routes_are_401_problems(string path)
    {
        using var response = await Host.Http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_bearer_header_the_page_and_its_counters_answer()
    {
        using var page = await Host.Authorized.GetAsync("/orleans/");
        var counters = await fleet.CountersAsync(Host.Authorized);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(counters["hosts"]!.AsArray(), h => h!["siloAddress"]!.GetValue<string>().StartsWith(fleet.SiloAddressPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_access_token_query_leaves_a_cookie_that_alone_opens_the_dashboard_routes()
    {
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = Host.HttpAddress };

        using var page = await browser.GetAsync($"/orleans/?access_token={OrchestratorHost.Token}");
        var counters = await fleet.CountersAsync(browser);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var setCookie = Assert.Single(page.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(OrleansDashboard.CookieName + "=", setCookie, StringComparison.Ordinal);
        Assert.Contains("path=/orleans", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(counters["hosts"]!.AsArray(), h => h!["siloAddress"]!.GetValue<string>().StartsWith(fleet.SiloAddressPrefix, StringComparison.Ordinal));
        // The cookie is not the token: it opens the dashboard and nothing else.
        var cookie = cookies.GetCookies(new Uri(Host.HttpAddress, "/orleans/"))[OrleansDashboard.CookieName]!.Value;
        Assert.NotEqual(OrchestratorHost.Token, cookie);
        using var asBearer = new HttpRequestMessage(HttpMethod.Get, "/api/robots");
        asBearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cookie);
        using var api = await Host.Http.SendAsync(asBearer);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task A_wrong_token_leaves_no_cookie_and_a_forged_cookie_is_401()
    {
        using var wrong = await Host.Http.GetAsync("/orleans/?access_token=" + OrchestratorHost.Token + "x");
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/orleans/DashboardCounters");
        forged.Headers.Add("Cookie", $"{OrleansDashboard.CookieName}={OrleansDashboard.CookieValue(OrchestratorHost.Token + "x")}");
        using var forgedResponse = await Host.Http.SendAsync(forged);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));
        Assert.Contains("Wrong API token", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, forgedResponse.StatusCode);
    }

    [Fact]
    public async Task In_a_browser_the_page_opened_with_the_token_shows_this_silo()
    {
        // Checked first and never skipped, as for the fleet dashboard's browser tests (DashboardFixture).
        Assert.True(File.Exists(Dashboard.DashboardFixture.ChromiumPath), $"Debian's chromium is missing at {Dashboard.DashboardFixture.ChromiumPath}: 'apt-get install -y chromium' (./test.sh does).");
        using var playwright = await Playwright.CreateAsync();
        await using var chromium = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Dashboard.DashboardFixture.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox"],
        });
        var page = await chromium.NewPageAsync(new BrowserNewPageOptions { BaseURL = Host.HttpAddress.ToString() });
        var rejected = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status == 401)
            {
                rejected.Add(response.Url);
            }
        };

        // The page's scripts call the dashboard's routes with no header: the cookie is what they present.
        var counters = page.WaitForResponseAsync(r => r.Url.Contains("/orleans/DashboardCounters", StringComparison.Ordinal) && r.Status == 200);
        await page.GotoAsync($"/orleans/?access_token={OrchestratorHost.Token}#/silos");
        await counters;

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = fleet.SiloAddressPrefix }).First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        Assert.Empty(rejected);
    }
}
