namespace RoboTracer.Fleet.Cli.Api;

/// <summary>What went wrong talking to the orchestrator, by what the user can do about it.</summary>
internal enum FleetApiError
{
    /// <summary>No connection, or no answer in time.</summary>
    Unreachable,

    /// <summary>401/403: the token is missing or wrong.</summary>
    Unauthorized,

    /// <summary>404.</summary>
    NotFound,

    /// <summary>400/409/422: the request was refused as it is.</summary>
    BadRequest,

    /// <summary>5xx or an answer that does not follow the contract.</summary>
    ServerError,
}
