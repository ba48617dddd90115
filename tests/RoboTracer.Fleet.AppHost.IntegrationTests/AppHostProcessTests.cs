namespace RoboTracer.Fleet.AppHost.IntegrationTests;

/// <summary>The AppHost's command line and its stopping, in its own process as a user runs it (DESIGN.md §4).</summary>
public sealed class AppHostProcessTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("--robots", "0")]
    [InlineData("--store", "mongo")]
    public async Task A_usage_error_exits_2_with_the_message_and_usage_on_stderr(string flag, string value)
    {
        await using var host = AppHostProcess.Start(flag, value);

        var exitCode = await host.WaitForExitAsync(StopTimeout);

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"error: {flag}", host.Output, StringComparison.Ordinal);
        Assert.Contains("usage:", host.Output, StringComparison.Ordinal);
        Assert.Empty(host.FleetProcesses());
    }

    [Fact]
    public async Task Several_silos_on_SQLite_are_refused_before_anything_starts()
    {
        await using var host = AppHostProcess.Start("--silos", "2", "--store", "sqlite");

        var exitCode = await host.WaitForExitAsync(StopTimeout);

        Assert.Equal(2, exitCode);
        Assert.Contains("--silos 2 needs PostgreSQL", host.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(host.DataDirectory));
    }

    [Fact]
    public async Task Help_prints_the_usage_and_exits_0()
    {
        await using var host = AppHostProcess.Start("--help");

        var exitCode = await host.WaitForExitAsync(StopTimeout);

        Assert.Equal(0, exitCode);
        Assert.Contains("--duration SECONDS", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SIGTERM_while_the_pool_warms_up_stops_every_child_PostgreSQL_included_and_exits_0()
    {
        await using var host = AppHostProcess.Start("--store", "postgres", "--no-demo", "--port", "0");
        // The AppHost says when each resource runs (ResourceStateLog); the workers then warm up before they are healthy.
        var started = new List<int>();
        foreach (var resource in new[] { "postgres", "pool-1", "pool-2" })
        {
            started.Add(await host.WaitForRunningAsync(resource, StartTimeout));
        }
        var fleet = host.FleetProcesses();
        Assert.All(started, pid => Assert.Contains(pid, fleet));

        await host.SignalAsync("TERM");
        var exitCode = await host.WaitForExitAsync(StopTimeout);

        Assert.Equal(0, exitCode);
        Assert.True(await ProcessTree.WaitForExitAsync(fleet, StopTimeout), "left running: " + string.Join(", ", fleet.Where(ProcessTree.IsAlive)));
    }

    [Fact]
    public async Task Duration_stops_the_fleet_by_itself_after_it_came_up()
    {
        await using var host = AppHostProcess.Start("--store", "sqlite", "--no-demo", "--port", "0", "--duration", "5");

        await host.WaitForOutputAsync("the fleet is up", StartTimeout);
        var fleet = host.FleetProcesses();
        var exitCode = await host.WaitForExitAsync(StartTimeout);

        Assert.Equal(0, exitCode);
        Assert.Contains("--duration 5 s reached: stopping", host.Output, StringComparison.Ordinal);
        Assert.True(await ProcessTree.WaitForExitAsync(fleet, StopTimeout), "left running: " + string.Join(", ", fleet.Where(ProcessTree.IsAlive)));
    }

    [Fact]
    public async Task Kill_9_of_the_AppHost_leaves_no_PostgreSQL_nor_any_other_child_behind()
    {
        await using var host = AppHostProcess.Start("--store", "postgres", "--no-demo", "--port", "0");
        await host.WaitForOutputAsync("the fleet is up", StartTimeout);
        var postgres = host.FleetProcesses(host.DataDirectory);
        var fleet = host.FleetProcesses();
        Assert.NotEmpty(postgres);

        await host.SignalAsync("KILL");

        // DCP watches the AppHost's process and stops every resource when it dies; were DCP killed too, the
        // kernel's parent-death signal (run-postgres.sh) stops PostgreSQL.
        Assert.True(await ProcessTree.WaitForExitAsync(postgres, StopTimeout), "PostgreSQL outlived its AppHost");
        Assert.True(await ProcessTree.WaitForExitAsync(fleet, StopTimeout), "left running: " + string.Join(", ", fleet.Where(ProcessTree.IsAlive)));
    }

    [Fact]
    public async Task It_prints_the_Aspire_dashboard_login_URL_the_fleet_dashboard_URL_the_API_token_and_each_resource_as_it_comes_up()
    {
        await using var host = AppHostProcess.Start("--store", "sqlite", "--no-demo", "--port", "0");

        await host.WaitForOutputAsync("the fleet is up", StartTimeout);
        await host.WaitForOutputAsync("API token: from FLEET_API_TOKEN", StartTimeout);
        // Once the simulator runs too (ResourceStateLog; what `bench apphost` times).
        await host.WaitForOutputAsync("every resource is healthy after ", StartTimeout);

        Assert.Matches(@"Login to the dashboard at http://localhost:\d+/login\?t=[0-9a-f]+", host.Output);
        foreach (var resource in new[] { "pool-1", "pool-2", "orchestrator", "simulator" })
        {
            Assert.Matches($@"{resource} is running \(pid \d+\)", host.Output);
            Assert.Matches($@"{resource} is healthy \(pid \d+\)", host.Output);
        }
        Assert.Matches(@"the fleet is up: fleet dashboard http://localhost:\d+/", host.Output);
    }
}
