namespace RoboTracer.Fleet.Cli;

/// <summary>
/// The exit codes of <c>fleet</c>, the one place they are defined; scripts rely on them, so a value never changes
/// meaning. <c>fleet --help</c> prints <see cref="Help"/>.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Done; for <c>submit --watch</c>, the task completed.</summary>
    public const int Ok = 0;

    /// <summary>The work failed: the task failed or was cancelled, or eval samples failed (their predictions stay empty, to retry).</summary>
    public const int Failed = 1;

    /// <summary>Bad usage or input: unknown option, bad value, missing or unreadable file; the server said 400.</summary>
    public const int Usage = 2;

    /// <summary>The fleet server, pool worker or database could not be reached (or did not answer in time).</summary>
    public const int Unreachable = 3;

    /// <summary>The server rejected the API token (401/403).</summary>
    public const int Unauthorized = 4;

    /// <summary>The server does not know the task (404).</summary>
    public const int NotFound = 5;

    /// <summary>The server or worker failed in a way the request did not cause (5xx, an unexpected answer).</summary>
    public const int ServerError = 6;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT; finished work is kept.</summary>
    public const int Interrupted = 130;

    /// <summary>The table for the help text.</summary>
    public const string Help = """
        Exit codes: 0 ok; 1 task failed or cancelled, or eval samples failed; 2 bad usage or input;
        3 server, worker or database unreachable; 4 API token rejected; 5 not found; 6 server error;
        130 interrupted (finished work is kept).
        """;
}
