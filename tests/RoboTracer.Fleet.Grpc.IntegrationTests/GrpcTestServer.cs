using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Grpc.Health;
using RoboTracer.Fleet.Grpc.Server;

namespace RoboTracer.Fleet.Grpc.IntegrationTests;

/// <summary>
/// Our gRPC server on real loopback sockets: a Kestrel HTTP/2 cleartext endpoint (prior knowledge) serving the
/// echo and health services, and an HTTP/1.1 endpoint, on ports the OS picks.
/// </summary>
public sealed class GrpcTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GrpcTestServer(WebApplication app, EchoServerLog log)
    {
        _app = app;
        Log = log;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        GrpcAddress = new Uri(addresses[0]);
        HttpAddress = new Uri(addresses[1]);
    }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    /// <summary>host:port of the gRPC endpoint, as grpcio's target syntax wants it.</summary>
    public string GrpcTarget => $"{GrpcAddress.Host}:{GrpcAddress.Port}";

    public EchoServerLog Log { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<GrpcTestServer> StartAsync(Action<GrpcServiceOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
        });
        var log = new EchoServerLog();
        builder.Services.AddSingleton(log);
        builder.Services.AddGrpc(configure);
        builder.Services.AddGrpcHealthChecks();
        var app = builder.Build();
        app.MapGrpcService<EchoService>();
        app.MapGrpcHealthChecksService();
        app.Services.GetRequiredService<HealthStatusRegistry>().SetStatus(EchoMethods.Service, Contracts.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving);
        await app.StartAsync();
        return new GrpcTestServer(app, log);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
