using System.Net;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.Bench.Grpc;

/// <summary>
/// The two .NET servers under test. They share everything but the request handling (same host builder, same
/// Kestrel endpoint, same logging), so the gap between them is the cost of our gRPC layer.
/// </summary>
internal static class EchoServerHost
{
    public static WebApplication Build(EchoServerKind kind)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Warning and up only, and on stderr: stdout carries the start-up line, and logging is not what we measure.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Cleartext HTTP/2 with prior knowledge, as the fleet's Grpc endpoint (DESIGN.md §4); port 0 picks a free one.
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        if (kind == EchoServerKind.Ours)
        {
            builder.Services.AddGrpc();
            builder.Services.AddSingleton<IServiceMethodProvider<EchoService>, EchoService.MethodProvider>();
        }

        var app = builder.Build();
        if (kind == EchoServerKind.Ours)
        {
            app.MapGrpcService<EchoService>();
        }
        else
        {
            // No routing: a terminal delegate is the whole pipeline.
            app.Run(BareEcho.HandleAsync);
        }
        return app;
    }
}
