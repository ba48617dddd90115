using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace RoboTracer.Fleet.ServiceDefaults.Tests;

public sealed class HttpDefaultsTests
{
    [Fact]
    public async Task Idempotent_requests_are_retried_on_a_transient_status_and_others_are_not()
    {
        var calls = 0;
        await using var server = await TestHost.StartAsync(new Dictionary<string, string?>(), app =>
        {
            // 503 twice, then 200, counting every call whatever its method.
            app.MapMethods("/flaky", ["GET", "POST"], () => Interlocked.Increment(ref calls) <= 2 ? Results.StatusCode(503) : Results.Text("ok"));
        });
        var builder = Host.CreateApplicationBuilder();
        builder.AddServiceDefaults();
        using var host = builder.Build();
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        var flaky = new Uri(server.Address, "/flaky");

        using var post = await client.PostAsync(flaky, null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
        Assert.Equal(1, Volatile.Read(ref calls));

        using var get = await client.GetAsync(flaky);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(3, Volatile.Read(ref calls));
    }
}
