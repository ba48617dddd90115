using Grpc.Net.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.ServiceDefaults;
using RoboTracer.Fleet.Simulator.Configuration;
using RoboTracer.Fleet.Simulator.Robots;

namespace RoboTracer.Fleet.Simulator.Hosting;

/// <summary>
/// Runs robots <c>sim-1</c> … <c>sim-N</c> until the host stops. They share one channel per orchestrator silo:
/// their streams are multiplexed over HTTP/2 connections (a new one per 100 streams), which is what makes a
/// 1,000-robot fleet cheap.
/// </summary>
internal sealed class SimulatorFleet(SimulatorOptions options, TimeProvider time, ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<SimulatorFleet>();
    private readonly TaskCompletionSource<IReadOnlyList<SimulatedRobot>> _robots = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The robots, once the fleet has created them.</summary>
    public Task<IReadOnlyList<SimulatedRobot>> Robots => _robots.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var channels = options.Orchestrators.Select(CreateChannel).ToList();
        try
        {
            await RunRobotsAsync(channels, stoppingToken);
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }

    private async Task RunRobotsAsync(IReadOnlyList<GrpcChannel> channels, CancellationToken stoppingToken)
    {
        var robotLogger = loggers.CreateLogger<SimulatedRobot>();
        var robots = new List<SimulatedRobot>(options.Robots);
        // Scene generation is cheap, but at a thousand robots it is still worth leaving the host's start-up thread.
        await Task.Yield();
        for (var i = 1; i <= options.Robots; i++)
        {
            var settings = options.ForRobot(i);
            if (settings.Token.Length == 0)
            {
                _logger.LogWarning("{Robot}: no token configured (Fleet:RobotTokens:{Robot}); the orchestrator will likely refuse it", settings.RobotId, settings.RobotId);
            }
            // Robot i starts on silo i mod N: the links spread evenly, and each robot moves on when its link ends.
            robots.Add(new SimulatedRobot(settings, channels, i - 1, time, robotLogger));
        }
        _robots.TrySetResult(robots);
        _logger.LogInformation("simulating {Count} robots against {Address} (seed {Seed}, render {Render}, {Speed} m/s)",
            robots.Count, string.Join(", ", options.Orchestrators), options.Seed, options.Render, options.SpeedMetresPerSecond);
        await Task.WhenAll(robots.Select(r => r.RunAsync(stoppingToken)));
    }

    private static GrpcChannel CreateChannel(Uri orchestrator) => GrpcChannel.ForAddress(orchestrator, new GrpcChannelOptions
    {
        // The orchestrator's RobotLink takes messages up to this size (observations carry RGB-D frames).
        MaxSendMessageSize = GrpcDefaults.MaxMessageSize,
        MaxReceiveMessageSize = GrpcDefaults.MaxMessageSize,
        HttpHandler = new SocketsHttpHandler
        {
            // Kestrel serves 100 streams per connection by default and every robot holds one link open.
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            // A vanished orchestrator is noticed by PINGs, so robots reconnect instead of waiting on a dead link.
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
        },
    });
}
