using System.Diagnostics;

namespace RoboTracer.Fleet.Deploy.Tests;

/// <summary>The repository's deploy/ folder and the command-line tools the checks run.</summary>
internal static class Tools
{
    public const string Kubectl = "/usr/bin/kubectl";
    public const string SystemdAnalyze = "/usr/bin/systemd-analyze";

    public static string RepositoryRoot { get; } = FindRoot();

    public static string Deploy(params string[] parts) => Path.Combine([RepositoryRoot, "deploy", .. parts]);

    /// <summary>Runs <paramref name="tool"/>; a missing tool fails the test (never a skip, in CI or not).</summary>
    public static (int ExitCode, string Output, string Error) Run(string tool, string install, params string[] arguments)
    {
        if (!File.Exists(tool))
        {
            throw new InvalidOperationException($"{tool} is missing; the deploy checks need it. Install it with {install}.");
        }
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RoboTracer.Fleet.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("RoboTracer.Fleet.sln not found above " + AppContext.BaseDirectory);
    }
}
