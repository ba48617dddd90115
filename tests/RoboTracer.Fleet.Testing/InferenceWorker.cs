using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Inference;

namespace RoboTracer.Fleet.Testing;

/// <summary>
/// A real pool worker in this process, composed as its Program.cs composes it (<c>AddInferenceWorker</c>,
/// <c>MapInferenceWorker</c>: the geometric backend by default) on loopback ports the OS picks. It counts the
/// SpatialTracer calls it finished and can run a callback after each, so a test can interrupt a client mid-run.
/// </summary>
public sealed class InferenceWorker : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CallCounter _counter;

    private InferenceWorker(WebApplication app, CallCounter counter)
    {
        _app = app;
        _counter = counter;
    }

    /// <summary>The gRPC endpoint (HTTP/2 cleartext), e.g. http://127.0.0.1:41234.</summary>
    public string GrpcAddress => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
        .Select(a => new Uri(a)).First().ToString().TrimEnd('/');

    /// <summary>SpatialTracer calls that reached this worker since the last <see cref="ResetCountAsync"/>.</summary>
    public int TraceCalls => Volatile.Read(ref _counter.Started);

    /// <summary>Runs after each finished SpatialTracer call, with the count so far.</summary>
    public Action<int>? AfterCall
    {
        get => _counter.AfterCall;
        set => _counter.AfterCall = value;
    }

    /// <summary>Waits until no call is in flight (a cancelled client's last call may still be finishing), then zeroes the count.</summary>
    public async Task ResetCountAsync()
    {
        while (Volatile.Read(ref _counter.Started) != Volatile.Read(ref _counter.Finished))
        {
            await _counter.Done.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
        Interlocked.Exchange(ref _counter.Started, 0);
        Interlocked.Exchange(ref _counter.Finished, 0);
    }

    /// <summary>Starts a worker; <paramref name="settings"/> add to or override its configuration (e.g. <c>Inference:Backends:simulated:*</c>).</summary>
    public static async Task<InferenceWorker> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var configuration = new Dictionary<string, string?>
        {
            // Configuration orders endpoints by name, so Grpc binds (and is listed) before Http.
            ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
            ["Inference:WorkerId"] = "cli-test-worker",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddInferenceWorker();
        var counter = new CallCounter();
        builder.Services.AddSingleton<IStartupFilter>(counter);
        var app = builder.Build();
        app.MapInferenceWorker();
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return new InferenceWorker(app, counter);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class CallCounter : IStartupFilter
    {
        public int Started;

        public int Finished;

        public Action<int>? AfterCall;

        public Channel<bool> Done { get; } = Channel.CreateUnbounded<bool>();

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (!context.Request.Path.StartsWithSegments("/robotracer.v1.SpatialTracer", StringComparison.Ordinal))
                {
                    await nextMiddleware(context);
                    return;
                }
                Interlocked.Increment(ref Started);
                try
                {
                    await nextMiddleware(context);
                }
                finally
                {
                    var count = Interlocked.Increment(ref Finished);
                    Done.Writer.TryWrite(true);
                    AfterCall?.Invoke(count);
                }
            });
            next(app);
        };
    }
}
