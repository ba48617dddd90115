using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Inference;

namespace RoboTracer.Fleet.Testing;

/// <summary>A real pool worker (geometric backend) in this process on a loopback port, composed as its Program.cs does.</summary>
public sealed class InferenceWorker : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InferenceWorker(WebApplication app) => _app = app;

    /// <summary>The worker's gRPC address.</summary>
    public string GrpcAddress => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<InferenceWorker> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
        });
        builder.AddInferenceWorker();
        var app = builder.Build();
        app.MapInferenceWorker();
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return new InferenceWorker(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
