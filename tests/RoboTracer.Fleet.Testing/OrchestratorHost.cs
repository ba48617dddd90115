using System.Net.Http.Headers;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Orchestrator;
using RoboTracer.Fleet.Orchestrator.Hosting;

namespace RoboTracer.Fleet.Testing;

/// <summary>
/// The orchestrator in this process, composed as its Program.cs composes it, on loopback ports the OS picks, with
/// the API token <see cref="Token"/> and robot tokens <c>robot-{n}</c> → <c>secret-{n}</c> for n in 1..8.
/// </summary>
public sealed class OrchestratorHost : IAsyncDisposable
{
    public const string Token = "test-api-token";

    private readonly WebApplication _app;
    private GrpcChannel? _channel;

    private OrchestratorHost(WebApplication app)
    {
        _app = app;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        // Configuration orders the endpoints by name, Grpc before Http, and Kestrel binds them in that order.
        GrpcAddress = addresses[0];
        HttpAddress = addresses[1];
        Http = new HttpClient { BaseAddress = HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
        Authorized = new HttpClient { BaseAddress = HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
        Authorized.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    /// <summary>A client without a token.</summary>
    public HttpClient Http { get; }

    /// <summary>A client with the API token.</summary>
    public HttpClient Authorized { get; }

    /// <summary>The orchestrator's event store, for tests that check what was recorded.</summary>
    public RoboTracer.Fleet.EventStore.IEventStore EventStore => _app.Services.GetRequiredService<FleetNode>().Store;

    public GrpcChannel Channel => _channel ??= GrpcChannel.ForAddress(GrpcAddress);

    /// <summary>How many tasks the fleet has accepted (from its task index, in one call; the REST list asks every task).</summary>
    public async Task<int> TaskCountAsync() =>
        (await RoboTracer.Fleet.Grains.FleetGrainFactoryExtensions.GetTaskIndex(_app.Services.GetRequiredService<FleetNode>().Grains).ListAsync()).Count;

    /// <summary>
    /// The REST routes the app mapped under <c>/api</c>, each with its HTTP methods, from the app's own endpoint data
    /// source: a test that walks these covers a route added later without being edited.
    /// </summary>
    public IReadOnlyList<(string Method, RouteEndpoint Endpoint)> ApiRoutes =>
        [.. _app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (m, e)))];

    public static string RobotToken(string robot) => "secret-" + robot["robot-".Length..];

    /// <summary>
    /// Starts an orchestrator on <paramref name="poolAddress"/> with the <paramref name="store"/> settings, then
    /// <paramref name="extra"/> settings; <paramref name="services"/> adds to its services (its silo's too), e.g. a grain
    /// call filter a test listens with.
    /// </summary>
    public static async Task<OrchestratorHost> StartAsync(
        string poolAddress, IReadOnlyDictionary<string, string?> store, IReadOnlyDictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder();
        // FLEET_TEST_LOGS=1 keeps the orchestrator's console log, for debugging a failing test.
        if (Environment.GetEnvironmentVariable("FLEET_TEST_LOGS") != "1")
        {
            builder.Logging.ClearProviders();
        }
        var settings = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
            ["services:pool:grpc:0"] = poolAddress,
            ["FLEET_API_TOKEN"] = Token,
            ["Fleet:HeartbeatInterval"] = "00:00:00.200",
            ["Fleet:CommandAckTimeout"] = "00:00:02",
            ["Fleet:Tasks:VerificationTimeout"] = "00:00:05",
            ["Fleet:Tasks:ReassignAfterDisconnect"] = "00:00:01",
        };
        for (var n = 1; n <= 16; n++)
        {
            settings[$"Fleet:RobotTokens:robot-{n}"] = $"secret-{n}";
        }
        foreach (var (key, value) in store.Concat(extra ?? new Dictionary<string, string?>()))
        {
            settings[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddFleetOrchestrator();
        services?.Invoke(builder.Services);
        ServeDashboard(builder);
        var app = builder.Build();
        app.MapFleetOrchestrator();
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return new OrchestratorHost(app);
    }

    // The dashboard's files stay in the orchestrator's wwwroot (a build copies them nowhere; only publish does) and this
    // host's content root is the test's bin directory. The build's static web assets manifest maps them, exactly
    // as `dotnet run` does in Development, so the browser tests see the files in the tree.
    private static void ServeDashboard(WebApplicationBuilder builder)
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, "RoboTracer.Fleet.Orchestrator.staticwebassets.runtime.json");
        if (File.Exists(manifest))
        {
            builder.WebHost.UseSetting(WebHostDefaults.StaticWebAssetsKey, manifest);
            builder.WebHost.UseStaticWebAssets();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Authorized.Dispose();
        _channel?.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
