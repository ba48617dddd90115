namespace RoboTracer.Fleet.Deploy.Tests;

/// <summary>deploy/systemd: the units verify, are hardened, and their example environment sets only what the services read.</summary>
public sealed partial class SystemdTests
{
    private static readonly string[] UnitFiles = ["robotracer-orchestrator.service", "robotracer-worker.service", "robotracer-retention.service", "robotracer-retention.timer"];

    public static TheoryData<string> Units => [.. UnitFiles];

    /// <summary>The services, and whether each runs for good (restarted on failure) or once per start (its timer's).</summary>
    public static TheoryData<string, bool> Services => new()
    {
        { "robotracer-orchestrator.service", true },
        { "robotracer-worker.service", true },
        { "robotracer-retention.service", false },
    };

    [Fact]
    public void Every_unit_is_checked()
    {
        var files = Directory.GetFiles(Tools.Deploy("systemd")).Select(Path.GetFileName).Where(f => f!.EndsWith(".service", StringComparison.Ordinal) || f.EndsWith(".timer", StringComparison.Ordinal)).Order();

        Assert.Equal(UnitFiles.Order(), files);
    }

    [Theory, MemberData(nameof(Units))]
    public void Unit_passes_systemd_analyze_verify(string unit)
    {
        var (exitCode, output, error) = Tools.Run(Tools.SystemdAnalyze, "Debian's systemd package (./test.sh installs it)", "verify", Tools.Deploy("systemd", unit));

        // verify prints what it dislikes and still exits 0 for some of it: any complaint fails.
        Assert.True(exitCode == 0 && string.IsNullOrWhiteSpace(error + output), $"systemd-analyze verify {unit} ({exitCode}): {error}{output}");
    }

    [Theory, MemberData(nameof(Services))]
    public void Service_runs_hardened_with_an_environment_file_and_a_long_running_one_restarts_on_failure(string unit, bool longRunning)
    {
        var settings = File.ReadAllLines(Tools.Deploy("systemd", unit))
            .Where(line => line.Contains('=', StringComparison.Ordinal) && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .ToLookup(pair => pair[0], pair => pair[1]);

        Assert.Equal(["yes"], settings["DynamicUser"]);
        Assert.Equal(["strict"], settings["ProtectSystem"]);
        Assert.Equal(["yes"], settings["NoNewPrivileges"]);
        Assert.Equal(longRunning ? ["on-failure"] : ["oneshot"], longRunning ? settings["Restart"] : settings["Type"]);
        Assert.StartsWith("/etc/robotracer/", Assert.Single(settings["EnvironmentFile"]), StringComparison.Ordinal);
    }

    [Fact]
    public void The_orchestrator_reads_every_variable_of_its_example_environment()
    {
        var environment = ReadEnvironment("orchestrator.env.example");

        Assert.Empty(ConfigurationReads.UnreadByOrchestrator(environment));
    }

    [Fact]
    public void The_retention_service_runs_fleet_retention_on_the_orchestrators_store_and_schema()
    {
        var environment = ReadEnvironment("orchestrator.env.example");
        var execStart = File.ReadAllLines(Tools.Deploy("systemd", "robotracer-retention.service")).Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal));
        // systemd's ${VAR}: the variable's whole value as (part of) one argument; arguments split on spaces.
        var arguments = execStart["ExecStart=".Length..].Split(' ')
            .Select(a => BracedVariable().Replace(a, m => environment[m.Groups["name"].Value]))
            .SkipWhile(a => a != "retention").ToArray();

        Assert.Contains("--schema", arguments);
        Assert.Equal(environment["Store__Schema"], arguments[Array.IndexOf(arguments, "--schema") + 1]);
        Assert.Equal("postgres:" + environment["ConnectionStrings__fleetdb"], arguments[Array.IndexOf(arguments, "--store") + 1]);
        var parse = RoboTracer.Fleet.Cli.FleetCommand.BuildRootCommand(RoboTracer.Fleet.Cli.CliContext.ForWriters(TextWriter.Null, TextWriter.Null)).Parse(arguments);
        Assert.Empty(parse.Errors);
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

    [System.Text.RegularExpressions.GeneratedRegex(@"\$\{(?<name>\w+)\}")]
    private static partial System.Text.RegularExpressions.Regex BracedVariable();
}
