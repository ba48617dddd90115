using Grpc.Net.Client;
using RoboTracer.Fleet.Simulator.Configuration;
using RoboTracer.Fleet.Simulator.Robots;

namespace RoboTracer.Fleet.Simulator.Tests.Infrastructure;

/// <summary>One <see cref="SimulatedRobot"/> running against a fake orchestrator until disposed.</summary>
internal sealed class RobotUnderTest : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly GrpcChannel _channel;

    private RobotUnderTest(Uri address, RobotSettings settings, TimeProvider time)
    {
        _channel = GrpcChannel.ForAddress(address);
        Robot = new SimulatedRobot(settings, _channel, time, Log);
        Running = Task.Run(() => Robot.RunAsync(_stop.Token));
    }

    public SimulatedRobot Robot { get; }

    public ListLogger Log { get; } = new();

    /// <summary>The robot's run loop: it must never end while the test runs (a crash would end it).</summary>
    public Task Running { get; }

    public static RobotUnderTest Start(FakeOrchestrator orchestrator, RobotSettings settings, TimeProvider? time = null) =>
        new(orchestrator.Address, settings, time ?? TimeProvider.System);

    /// <summary>The usual test robot: small images (fast to render), fast arm, quick reconnects.</summary>
    public static RobotSettings Settings(int seed = 7, string id = "sim-1") => new()
    {
        RobotId = id,
        Token = "token-" + id,
        Seed = seed,
        SpeedMetresPerSecond = 1.0,
        ImageWidth = 160,
        ImageHeight = 120,
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Running.WaitAsync(FakeLink.Timeout);
        _channel.Dispose();
        _stop.Dispose();
    }
}
