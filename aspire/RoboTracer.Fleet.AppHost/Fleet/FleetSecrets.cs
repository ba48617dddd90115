using System.Security.Cryptography;

namespace RoboTracer.Fleet.AppHost.Fleet;

/// <summary>
/// The API token (<c>FLEET_API_TOKEN</c> when set, else generated) and one random token per simulated robot, made
/// anew for every run: the orchestrator and the simulator get the same <c>Fleet__RobotTokens__{id}</c> variables.
/// </summary>
internal sealed record FleetSecrets(string ApiToken, bool ApiTokenGenerated, IReadOnlyDictionary<string, string> RobotTokens)
{
    public const string ApiTokenVariable = "FLEET_API_TOKEN";

    public static FleetSecrets Create(string? apiTokenFromEnvironment, int robots)
    {
        var generated = string.IsNullOrWhiteSpace(apiTokenFromEnvironment);
        var robotTokens = Enumerable.Range(1, robots).ToDictionary(RobotId, _ => NewToken(), StringComparer.Ordinal);
        return new FleetSecrets(generated ? NewToken() : apiTokenFromEnvironment!.Trim(), generated, robotTokens);
    }

    /// <summary>The simulator's robot ids (CONTRACT.md): <c>sim-1</c> … <c>sim-N</c>.</summary>
    public static string RobotId(int number) => $"sim-{number}";

    /// <summary>The configuration entries both the orchestrator and the simulator read.</summary>
    public IEnumerable<KeyValuePair<string, string>> RobotTokenEnvironment() =>
        RobotTokens.Select(pair => new KeyValuePair<string, string>($"Fleet__RobotTokens__{pair.Key}", pair.Value));

    // 256 bits, URL- and header-safe.
    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
