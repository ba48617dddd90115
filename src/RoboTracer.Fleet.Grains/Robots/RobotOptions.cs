namespace RoboTracer.Fleet.Grains.Robots;

/// <summary>How robot grains judge their robots.</summary>
public sealed record RobotOptions
{
    /// <summary>A robot without a heartbeat for this long is offline.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often an online robot's last heartbeat is checked.</summary>
    public TimeSpan HeartbeatCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A battery change of at least this much (0..1) is recorded as telemetry.</summary>
    public double TelemetryBatteryDelta { get; init; } = 0.01;

    /// <summary>A move of at least this many metres is recorded as telemetry.</summary>
    public double TelemetryPoseDelta { get; init; } = 0.01;

    /// <summary>How far outside its workspace a waypoint may be, metres.</summary>
    public double WorkspaceTolerance { get; init; } = 0.01;
}
