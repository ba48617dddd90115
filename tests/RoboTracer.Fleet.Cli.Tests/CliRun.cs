namespace RoboTracer.Fleet.Cli.Tests;

/// <summary>What one in-process <c>fleet</c> invocation did.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    /// <summary>Standard output's lines, without the trailing empty one.</summary>
    public string[] Lines => Out.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    public string LastLine => Lines[^1];

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}
