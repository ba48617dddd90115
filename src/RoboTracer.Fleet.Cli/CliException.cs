namespace RoboTracer.Fleet.Cli;

/// <summary>An error the user can act on: its message goes to stderr as it is, and the process exits with <see cref="ExitCode"/>.</summary>
internal sealed class CliException : Exception
{
    public CliException(int exitCode, string message)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public CliException(int exitCode, string message, Exception inner)
        : base(message, inner)
    {
        ExitCode = exitCode;
    }

    public CliException()
    {
        ExitCode = ExitCodes.Failed;
    }

    public CliException(string message)
        : this(ExitCodes.Failed, message)
    {
    }

    public CliException(string message, Exception inner)
        : this(ExitCodes.Failed, message, inner)
    {
    }

    /// <summary>One of <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; }

    /// <summary>Bad usage or input (exit 2).</summary>
    public static CliException Usage(string message) => new(ExitCodes.Usage, message);
}
