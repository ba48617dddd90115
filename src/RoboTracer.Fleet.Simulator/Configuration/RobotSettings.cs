namespace RoboTracer.Fleet.Simulator.Configuration;

/// <summary>Everything one simulated robot needs to know; <see cref="SimulatorOptions.ForRobot"/> derives it per robot.</summary>
internal sealed record RobotSettings
{
    /// <summary>The robot's id, e.g. <c>sim-1</c>.</summary>
    public required string RobotId { get; init; }

    /// <summary>The token sent in Hello and as <c>authorization: Bearer</c> metadata; empty when none is configured.</summary>
    public string Token { get; init; } = "";

    /// <summary>Seeds the robot's scene and, separately, its fault and scene-change draws.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Speed at which the held object follows a trace (an ExecuteTrace's max_speed_mps may lower it).</summary>
    public double SpeedMetresPerSecond { get; init; } = 0.25;

    /// <summary>False skips rendering: observations then carry the objects only (for large fleets).</summary>
    public bool Render { get; init; } = true;

    /// <summary>Camera image width in pixels.</summary>
    public int ImageWidth { get; init; } = 640;

    /// <summary>Camera image height in pixels.</summary>
    public int ImageHeight { get; init; } = 480;

    /// <summary>Fault probabilities per trace.</summary>
    public FaultRates Faults { get; init; } = new();

    /// <summary>Scene-change probabilities per trace.</summary>
    public SceneChangeRates SceneChanges { get; init; } = new();

    /// <summary>First reconnect delay after the link breaks; doubles per failed attempt up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest reconnect delay.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for the Welcome after sending Hello.</summary>
    public TimeSpan WelcomeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Heartbeat period when the Welcome does not name one.</summary>
    public TimeSpan DefaultHeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>EXECUTING updates per trace (at 0, 1/n, …, (n−1)/n of the way); SUCCEEDED comes at the end.</summary>
    public int ProgressUpdates { get; init; } = 5;

    /// <summary>The scene this robot works in (Hello.scene_id), per CONTRACT.md: <c>table-&lt;robotId&gt;</c>.</summary>
    public string SceneId => "table-" + RobotId;
}
