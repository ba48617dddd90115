namespace RoboTracer.Fleet.Cli.Api;

/// <summary>A failed call to the orchestrator; the message is ready to show.</summary>
internal sealed class FleetApiException : Exception
{
    public FleetApiException(FleetApiError error, string message, Exception? inner = null)
        : base(message, inner)
    {
        Error = error;
    }

    public FleetApiException()
    {
    }

    public FleetApiException(string message)
        : base(message)
    {
    }

    public FleetApiException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public FleetApiError Error { get; } = FleetApiError.ServerError;

    /// <summary>The exit code for this error (<see cref="ExitCodes"/>).</summary>
    public int ExitCode => Error switch
    {
        FleetApiError.Unreachable => ExitCodes.Unreachable,
        FleetApiError.Unauthorized => ExitCodes.Unauthorized,
        FleetApiError.NotFound => ExitCodes.NotFound,
        FleetApiError.BadRequest => ExitCodes.Usage,
        _ => ExitCodes.ServerError,
    };
}
