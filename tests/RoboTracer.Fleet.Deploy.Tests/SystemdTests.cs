namespace RoboTracer.Fleet.Deploy.Tests;

/// <summary>deploy/systemd: the units verify, are hardened, and their example environment sets only what the services read.</summary>
public sealed class SystemdTests
{
    public static TheoryData<string> Units => ["robotracer-orchestrator.service", "robotracer-worker.service"];

    [Theory, MemberData(nameof(Units))]
    public void Unit_passes_systemd_analyze_verify(string unit)
    {
        var (exitCode, output, error) = Tools.Run(Tools.SystemdAnalyze, "Debian's systemd package (./test.sh installs it)", "verify", Tools.Deploy("systemd", unit));

        // verify prints what it dislikes and still exits 0 for some of it: any complaint fails.
        Assert.True(exitCode == 0 && string.IsNullOrWhiteSpace(error + output), $"systemd-analyze verify {unit} ({exitCode}): {error}{output}");
    }

    [Theory, MemberData(nameof(Units))]
    public void Unit_runs_hardened_with_an_environment_file_and_restarts_on_failure(string unit)
    {
        var settings = File.ReadAllLines(Tools.Deploy("systemd", unit))
            .Where(line => line.Contains('=', StringComparison.Ordinal) && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .ToLookup(pair => pair[0], pair => pair[1]);

        Assert.Equal(["yes"], settings["DynamicUser"]);
        Assert.Equal(["strict"], settings["ProtectSystem"]);
        Assert.Equal(["yes"], settings["NoNewPrivileges"]);
        Assert.Equal(["on-failure"], settings["Restart"]);
        Assert.StartsWith("/etc/robotracer/", Assert.Single(settings["EnvironmentFile"]), StringComparison.Ordinal);
    }

    [Fact]
    public void The_orchestrator_reads_every_variable_of_its_example_environment()
    {
        var environment = ReadEnvironment("orchestrator.env.example");

        Assert.Empty(ConfigurationReads.UnreadByOrchestrator(environment));
    }

    [Fact]
    public void The_worker_reads_every_variable_of_its_example_environment()
    {
        var environment = ReadEnvironment("worker.env.example");

        Assert.Empty(ConfigurationReads.UnreadByWorker(environment));
    }

    /// <summary>An EnvironmentFile= as systemd reads it here: KEY=VALUE lines, # comments, no quoting.</summary>
    private static Dictionary<string, string> ReadEnvironment(string file) =>
        File.ReadAllLines(Tools.Deploy("systemd", file))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
}
