using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.Simulator.Tests.Infrastructure;

/// <summary>
/// An orchestrator stand-in: our gRPC server on a real loopback HTTP/2 socket serving RobotLink/Connect with
/// <see cref="FakeRobotLinkService"/>; what robots send lands in <see cref="Link"/>.
/// </summary>
internal sealed class FakeOrchestrator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _stopped;

    private FakeOrchestrator(WebApplication app, FakeLink link)
    {
        _app = app;
        Link = link;
        Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public Uri Address { get; }

    public int Port => Address.Port;

    public FakeLink Link { get; }

    /// <summary>Starts on <paramref name="port"/> (0: the OS picks); <paramref name="tokens"/> set → Hello must carry the robot's token.</summary>
    public static async Task<FakeOrchestrator> StartAsync(int port = 0, uint heartbeatIntervalMs = 60_000, IReadOnlyDictionary<string, string>? tokens = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        var link = new FakeLink(heartbeatIntervalMs, tokens);
        builder.Services.AddSingleton(link);
        builder.Services.AddSingleton<FakeRobotLinkService>();
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<FakeRobotLinkService>();
        await app.StartAsync();
        return new FakeOrchestrator(app, link);
    }

    /// <summary>Ends every robot's stream (they see the orchestrator go away) and stops the server.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            Link.EndAllSessions();
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}
