using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.AspNetCore.Server.Model;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.ServiceDefaults;

namespace RoboTracer.Fleet.Grpc.IntegrationTests;

/// <summary>
/// The Kestrel endpoints of DESIGN.md §4, configured the way users configure them (Kestrel:Endpoints:NAME:Url):
/// Grpc speaks HTTP/2 with prior knowledge in cleartext and negotiates h2 with ALPN over TLS; Http speaks HTTP/1.1.
/// </summary>
public sealed class NamedEndpointTests
{
    [Fact]
    public async Task Cleartext_grpc_endpoint_speaks_http2_and_http_endpoint_speaks_http1()
    {
        await using var app = await StartAsync(new()
        {
            ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
        });
        var (grpc, http) = (app.Addresses[0], app.Addresses[1]);

        using var channel = GrpcChannel.ForAddress(grpc);
        var echoed = await new EchoClient(channel).Unary(EchoService.Payload(5));
        using var http1 = new HttpClient();
        using var page = await http1.GetAsync(new Uri(new Uri(http), "/protocol"));

        Assert.Equal(EchoService.Payload(5), echoed);
        Assert.Equal("HTTP/1.1", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Tls_grpc_endpoint_negotiates_h2_with_alpn()
    {
        using var certificate = SelfSignedCertificate();
        var pfx = Path.Combine(Path.GetTempPath(), $"fleet-test-{Guid.NewGuid():N}.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "test"));
        try
        {
            await using var app = await StartAsync(new()
            {
                ["Kestrel:Endpoints:Grpc:Url"] = "https://127.0.0.1:0",
                ["Kestrel:Endpoints:Grpc:Certificate:Path"] = pfx,
                ["Kestrel:Endpoints:Grpc:Certificate:Password"] = "test",
            });
            var handler = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == certificate.GetCertHashString(),
                },
            };
            using var channel = GrpcChannel.ForAddress(app.Addresses[0], new GrpcChannelOptions { HttpHandler = handler });

            var echoed = await new EchoClient(channel).Unary(EchoService.Payload(9));

            Assert.Equal(EchoService.Payload(9), echoed);
            Assert.StartsWith("https://", app.Addresses[0], StringComparison.Ordinal);
            await app.Log.WaitForAsync("protocol:HTTP/2:https", TimeSpan.FromSeconds(30));
        }
        finally
        {
            File.Delete(pfx);
        }
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
    }

    private static async Task<RunningApp> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseFleetEndpoints();
        var log = new EchoServerLog();
        builder.Services.AddSingleton(log);
        builder.AddFleetGrpc();
        builder.Services.AddSingleton<IServiceMethodProvider<EchoService>, EchoService.MethodProvider>();
        var app = builder.Build();
        app.MapGrpcService<EchoService>();
        app.MapGet("/protocol", (Microsoft.AspNetCore.Http.HttpContext context) => context.Request.Protocol);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        return new RunningApp(app, addresses, log);
    }

    private sealed record RunningApp(WebApplication App, List<string> Addresses, EchoServerLog Log) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
