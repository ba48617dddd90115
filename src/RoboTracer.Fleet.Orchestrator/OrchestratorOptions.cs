using System.Security.Cryptography;
using System.Text;

namespace RoboTracer.Fleet.Orchestrator;

/// <summary>The orchestrator's own settings (CONTRACT: <c>FLEET_API_TOKEN</c>, <c>Fleet:*</c>).</summary>
internal sealed class OrchestratorOptions
{
    /// <summary>The bearer token mutating REST calls need.</summary>
    public required string ApiToken { get; init; }

    /// <summary>True when the token was generated because FLEET_API_TOKEN was unset (it is logged then).</summary>
    public bool ApiTokenGenerated { get; init; }

    /// <summary>Robot id → the token that robot must present (<c>Fleet:RobotTokens:{id}</c>).</summary>
    public required IReadOnlyDictionary<string, string> RobotTokens { get; init; }

    /// <summary>Reads (GET, SSE) need the token too (<c>Fleet:RequireTokenForReads</c>, default false).</summary>
    public bool RequireTokenForReads { get; init; }

    /// <summary>How often robots are asked to send heartbeats (<c>Fleet:HeartbeatInterval</c>, default 1 s).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a link passes the robot's heartbeats on to its grain at most (<c>Fleet:HeartbeatForwardInterval</c>,
    /// default 1 s). A robot may beat faster (<see cref="HeartbeatInterval"/>); the grain needs to hear of it only
    /// often enough to notice silence (its timeout is 10 s) and to sample battery and pose, and at 10 Hz over a
    /// thousand robots the grain calls of the heartbeats alone cost the silo most of a core.
    /// </summary>
    public TimeSpan HeartbeatForwardInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Deadline of one trace query, retries included (<c>Fleet:TraceDeadline</c>, default 20 s).</summary>
    public TimeSpan TraceDeadline { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The pool backend to ask (<c>Fleet:TraceBackend</c>); null: each worker's default.</summary>
    public string? TraceBackend { get; init; }

    /// <summary>How long a robot has to say hello after opening its link (<c>Fleet:HelloTimeout</c>, default 10 s).</summary>
    public TimeSpan HelloTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a robot that acknowledges commands (<c>Hello.acknowledges_commands</c>) has to acknowledge one before
    /// the command counts as not delivered (<c>Fleet:CommandAckTimeout</c>, default 10 s).
    /// </summary>
    public TimeSpan CommandAckTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Decoded frames kept for trace requests (<c>Fleet:FrameCacheMegabytes</c>, default 64 MiB).</summary>
    public long FrameCacheBytes { get; init; } = 64L << 20;

    public static OrchestratorOptions FromConfiguration(IConfiguration configuration)
    {
        var fleet = configuration.GetSection("Fleet");
        var token = configuration["FLEET_API_TOKEN"];
        var generated = string.IsNullOrWhiteSpace(token);
        var tokens = fleet.GetSection("RobotTokens").GetChildren()
            .Where(c => !string.IsNullOrEmpty(c.Value))
            .ToDictionary(c => c.Key, c => c.Value!, StringComparer.Ordinal);
        return new OrchestratorOptions
        {
            ApiToken = generated ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) : token!.Trim(),
            ApiTokenGenerated = generated,
            RobotTokens = tokens,
            RequireTokenForReads = fleet.GetValue("RequireTokenForReads", false),
            HeartbeatInterval = fleet.GetValue("HeartbeatInterval", TimeSpan.FromSeconds(1)),
            HeartbeatForwardInterval = fleet.GetValue("HeartbeatForwardInterval", TimeSpan.FromSeconds(1)),
            TraceDeadline = fleet.GetValue("TraceDeadline", TimeSpan.FromSeconds(20)),
            TraceBackend = fleet["TraceBackend"] is { Length: > 0 } backend ? backend : null,
            HelloTimeout = fleet.GetValue("HelloTimeout", TimeSpan.FromSeconds(10)),
            CommandAckTimeout = fleet.GetValue("CommandAckTimeout", TimeSpan.FromSeconds(10)),
            FrameCacheBytes = Math.Max(1, fleet.GetValue("FrameCacheMegabytes", 64L)) << 20,
        };
    }

    /// <summary>The token of an <c>Authorization: Bearer &lt;token&gt;</c> header (RFC 6750 §2.1), or null for any other header.</summary>
    public static string? BearerToken(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;

    /// <summary>Compares a presented secret with the expected one in constant time.</summary>
    public static bool SecretMatches(string? presented, string expected) =>
        presented is not null
        && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
