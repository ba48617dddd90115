using System.Threading.Channels;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Worker;

namespace RoboTracer.Fleet.Inference.IntegrationTests;

/// <summary>
/// A pool worker in this process, composed exactly as Program.cs composes it (<c>AddInferenceWorker</c>,
/// <c>MapInferenceWorker</c>), with Kestrel's named endpoints on ports the OS picks. Counts the SpatialTracer calls
/// that reach it, so tests can tell which worker served what.
/// </summary>
internal sealed class WorkerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RequestCounter _counter;
    private GrpcChannel? _channel;
    private int _stopped;

    private WorkerHost(WebApplication app, RequestCounter counter, Task started)
    {
        _app = app;
        _counter = counter;
        Started = started;
        WorkerId = app.Services.GetRequiredService<IOptions<InferenceWorkerOptions>>().Value.WorkerId;
    }

    /// <summary>Completes when the host has started (the worker has warmed up).</summary>
    public Task Started { get; }

    public Uri GrpcAddress => Addresses[0];

    public Uri HttpAddress => Addresses[1];

    public IServiceProvider Services => _app.Services;

    public string WorkerId { get; }

    /// <summary>SpatialTracer calls that reached this worker's HTTP pipeline.</summary>
    public int TraceCalls => Volatile.Read(ref _counter.TraceCalls);

    /// <summary>Completes when the worker has finished (answered or failed) one more SpatialTracer call.</summary>
    public async Task NextTraceCallDoneAsync() => await _counter.Done.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    public GrpcChannel Channel => _channel ??= GrpcChannel.ForAddress(GrpcAddress, new GrpcChannelOptions { MaxSendMessageSize = 64 * 1024 * 1024 });

    public SpatialTracer.SpatialTracerClient Client => new(Channel);

    public Health.HealthClient Health => new(Channel);

    // Configuration orders the endpoints by name, Grpc before Http, and Kestrel binds them in that order.
    private List<Uri> Addresses => [.. _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a))];

    /// <summary>Starts a worker with <paramref name="settings"/> over the defaults and waits until it serves.</summary>
    public static async Task<WorkerHost> StartAsync(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        var host = Launch(settings, services);
        await host.Started.WaitAsync(TimeSpan.FromSeconds(60));
        return host;
    }

    /// <summary>Starts a worker without waiting for its warm-up to finish.</summary>
    public static WorkerHost Launch(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var configuration = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
            ["Inference:WorkerId"] = "worker-" + Guid.NewGuid().ToString("N")[..6],
        };
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddInferenceWorker();
        var counter = new RequestCounter();
        builder.Services.AddSingleton<IStartupFilter>(counter);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapInferenceWorker();
        return new WorkerHost(app, counter, app.StartAsync());
    }

    /// <summary>Stops the worker gracefully (drain, then the server); <paramref name="cancellationToken"/> cuts the drain short.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        try
        {
            await Started;
        }
        catch (OperationCanceledException)
        {
            // A host stopped during start-up; there is nothing more to stop.
        }
        await StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class RequestCounter : IStartupFilter
    {
        public int TraceCalls;

        public Channel<bool> Done { get; } = System.Threading.Channels.Channel.CreateUnbounded<bool>();

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (!context.Request.Path.StartsWithSegments("/robotracer.v1.SpatialTracer", StringComparison.Ordinal))
                {
                    await nextMiddleware(context);
                    return;
                }
                Interlocked.Increment(ref TraceCalls);
                try
                {
                    await nextMiddleware(context);
                }
                finally
                {
                    Done.Writer.TryWrite(true);
                }
            });
            next(app);
        };
    }
}
