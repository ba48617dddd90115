using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace RoboTracer.Fleet.Simulator.Configuration;

/// <summary>
/// The simulator's configuration (CONTRACT.md, "Simulator"): <c>Simulator:Orchestrator</c>, one address or several
/// separated by commas (falls back to <c>services:orchestrator:grpc:0</c>, <c>:1</c>, …), <c>Simulator:Robots</c>, <c>Simulator:Seed</c>,
/// <c>Simulator:SpeedMetresPerSecond</c>, <c>Simulator:Render</c>, <c>Simulator:ImageWidth|ImageHeight</c>,
/// <c>Simulator:Faults:{GraspFailure,Stall,Disconnect,StallTimeoutSeconds,DisconnectSeconds}</c>,
/// <c>Simulator:SceneChanges:{Nudge,Obstacle}</c>, <c>Simulator:Reconnect:{InitialSeconds,MaxSeconds}</c>, and the
/// robot tokens under <c>Fleet:RobotTokens:&lt;robotId&gt;</c> (the key the orchestrator reads).
/// </summary>
internal sealed record SimulatorOptions
{
    public const string Section = "Simulator";

    /// <summary>The orchestrators' RobotLink endpoints: the nodes of one cluster; robots connect to any of them.</summary>
    public required IReadOnlyList<Uri> Orchestrators { get; init; }

    public int Robots { get; init; } = 4;

    public int Seed { get; init; } = 1;

    public double SpeedMetresPerSecond { get; init; } = 0.25;

    public bool Render { get; init; } = true;

    public int ImageWidth { get; init; } = 640;

    public int ImageHeight { get; init; } = 480;

    public FaultRates Faults { get; init; } = new();

    public SceneChangeRates SceneChanges { get; init; } = new();

    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Robot id → token, from <c>Fleet:RobotTokens</c>.</summary>
    public IReadOnlyDictionary<string, string> RobotTokens { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The id of robot <paramref name="index"/> (1-based).</summary>
    public static string RobotIdOf(int index) => "sim-" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads and checks the configuration; a bad value throws naming its key.</summary>
    /// <exception cref="InvalidOperationException">A value is missing or out of range.</exception>
    public static SimulatorOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var addresses = section["Orchestrator"] is { Length: > 0 } configured
            ? configured.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [.. configuration.GetSection("services:orchestrator:grpc").GetChildren().Select(c => c.Value).OfType<string>()];
        if (addresses.Length == 0)
        {
            throw new InvalidOperationException("Simulator:Orchestrator is not set (nor services:orchestrator:grpc:0): give the orchestrator's Grpc endpoint, e.g. http://127.0.0.1:5081, or several separated by commas.");
        }
        var orchestrators = new List<Uri>(addresses.Length);
        foreach (var address in addresses)
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var orchestrator) || (orchestrator.Scheme != Uri.UriSchemeHttp && orchestrator.Scheme != Uri.UriSchemeHttps))
            {
                throw new InvalidOperationException($"Simulator:Orchestrator '{address}' is not an http:// or https:// URL.");
            }
            orchestrators.Add(orchestrator);
        }
        if (orchestrators.Select(o => o.Scheme).Distinct().Count() > 1)
        {
            throw new InvalidOperationException("Simulator:Orchestrator mixes http:// and https:// addresses; the nodes of one cluster are reached one way.");
        }
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var child in configuration.GetSection("Fleet:RobotTokens").GetChildren())
        {
            if (child.Value is { } token)
            {
                tokens[child.Key] = token;
            }
        }
        var faults = section.GetSection("Faults");
        var changes = section.GetSection("SceneChanges");
        var reconnect = section.GetSection("Reconnect");
        return new SimulatorOptions
        {
            Orchestrators = orchestrators,
            Robots = ReadInt(section, "Robots", 4, 0, 100_000),
            Seed = ReadInt(section, "Seed", 1, int.MinValue, int.MaxValue),
            SpeedMetresPerSecond = ReadDouble(section, "SpeedMetresPerSecond", 0.25, 1e-6, 100),
            Render = ReadBool(section, "Render", true),
            ImageWidth = ReadInt(section, "ImageWidth", 640, 16, 8192),
            ImageHeight = ReadInt(section, "ImageHeight", 480, 16, 8192),
            Faults = new FaultRates
            {
                GraspFailure = ReadDouble(faults, "GraspFailure", 0, 0, 1),
                Stall = ReadDouble(faults, "Stall", 0, 0, 1),
                Disconnect = ReadDouble(faults, "Disconnect", 0, 0, 1),
                StallTimeout = TimeSpan.FromSeconds(ReadDouble(faults, "StallTimeoutSeconds", 5, 0, 3600)),
                DisconnectDuration = TimeSpan.FromSeconds(ReadDouble(faults, "DisconnectSeconds", 2, 0, 3600)),
            },
            SceneChanges = new SceneChangeRates
            {
                Nudge = ReadDouble(changes, "Nudge", 0, 0, 1),
                Obstacle = ReadDouble(changes, "Obstacle", 0, 0, 1),
            },
            ReconnectInitialDelay = TimeSpan.FromSeconds(ReadDouble(reconnect, "InitialSeconds", 0.5, 0.001, 3600)),
            ReconnectMaxDelay = TimeSpan.FromSeconds(ReadDouble(reconnect, "MaxSeconds", 10, 0.001, 3600)),
            RobotTokens = tokens,
        };
    }

    /// <summary>The settings of robot <paramref name="index"/> (1-based): its id, token and its own seed.</summary>
    public RobotSettings ForRobot(int index)
    {
        var id = RobotIdOf(index);
        return new RobotSettings
        {
            RobotId = id,
            Token = RobotTokens.TryGetValue(id, out var token) ? token : "",
            Seed = Seeds.Derive(Seed, index),
            SpeedMetresPerSecond = SpeedMetresPerSecond,
            Render = Render,
            ImageWidth = ImageWidth,
            ImageHeight = ImageHeight,
            Faults = Faults,
            SceneChanges = SceneChanges,
            ReconnectInitialDelay = ReconnectInitialDelay,
            ReconnectMaxDelay = ReconnectMaxDelay < ReconnectInitialDelay ? ReconnectInitialDelay : ReconnectMaxDelay,
        };
    }

    private static int ReadInt(IConfigurationSection section, string key, int fallback, int min, int max)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new InvalidOperationException($"{section.Path}:{key} is '{text}'; expected a whole number from {min} to {max}.");
        }
        return value;
    }

    private static double ReadDouble(IConfigurationSection section, string key, double fallback, double min, double max)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= min && value <= max))
        {
            throw new InvalidOperationException($"{section.Path}:{key} is '{text}'; expected a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.");
        }
        return value;
    }

    private static bool ReadBool(IConfigurationSection section, string key, bool fallback)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        return bool.TryParse(text, out var value)
            ? value
            : throw new InvalidOperationException($"{section.Path}:{key} is '{text}'; expected true or false.");
    }
}
