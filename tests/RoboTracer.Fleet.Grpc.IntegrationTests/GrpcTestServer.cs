using System.Net;
using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.ServiceDefaults;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RoboTracer.Fleet.Grpc.IntegrationTests;

/// <summary>
/// Our gRPC server on real loopback sockets, set up as the fleet's services set it up (<see cref="GrpcDefaults"/>):
/// a Kestrel HTTP/2 cleartext endpoint (prior knowledge) serving the echo service, health and reflection, and an
/// HTTP/1.1 endpoint, on ports the OS picks. The echo service's health is a check the tests switch, pushed to the
/// Watch streams at once, the way a pool worker reports its state.
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

    /// <summary>Sets what the echo service's health check says, and tells the Watch streams.</summary>
    public void SetEchoServing(bool serving)
    {
        _app.Services.GetRequiredService<EchoHealthCheck>().Serving = serving;
        _app.Services.GetRequiredService<HealthServiceImpl>().SetStatus(EchoMethods.Service, serving ? ServingStatus.Serving : ServingStatus.NotServing);
    }

    public static async Task<GrpcTestServer> StartAsync(Action<GrpcServiceOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var log = new EchoServerLog();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(log);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddSingleton(log);
        builder.Services.AddSingleton<EchoHealthCheck>();
        builder.AddFleetGrpc(health => health.Services.Map(EchoMethods.Service, check => check.Name == EchoHealthCheck.Name))
            .AddCheck<EchoHealthCheck>(EchoHealthCheck.Name);
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }
        builder.Services.AddSingleton<IServiceMethodProvider<EchoService>, EchoService.MethodProvider>();
        var app = builder.Build();
        app.MapGrpcService<EchoService>();
        app.MapFleetGrpcServices();
        await app.StartAsync();
        return new GrpcTestServer(app, log);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The echo service's health: SERVING unless a test says otherwise.</summary>
public sealed class EchoHealthCheck : IHealthCheck
{
    public const string Name = "echo";

    private volatile bool _serving = true;

    public bool Serving
    {
        get => _serving;
        set => _serving = value;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Serving ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("switched off by the test"));
}
