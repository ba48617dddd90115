using System.Text.Json;
using RoboTracer.Fleet.Testing;
using Xunit.Abstractions;

namespace RoboTracer.Fleet.Cli.Tests;

/// <summary>
/// <c>replay TASK --with-backend NAME</c> on a task the real orchestrator recorded (geometric backend, scripted
/// robot). The geometric backend has no settings, so "a differently configured backend" is a second pool worker that
/// also serves the <c>simulated</c> backend (configured under <c>Inference:Backends:simulated</c>); the same backend,
/// in-process or through the fleet's own worker, must give the recorded traces back.
/// </summary>
public sealed class WhatIfReplayTests(FleetFixture fleet, ITestOutputHelper output) : IClassFixture<FleetFixture>, IAsyncLifetime
{
    private InferenceWorker _other = null!;
    private string _task = "";
    // The step of each recorded trace, in order: a step traced again (a scene change, a retry) has several.
    private List<int> _tracedSteps = [];

    private OrchestratorHost Host => fleet.Host;

    private Dictionary<string, string?> Environment => new()
    {
        ["FLEET_SERVER"] = Host.HttpAddress.ToString(),
        ["FLEET_API_TOKEN"] = OrchestratorHost.Token,
    };

    public async Task InitializeAsync()
    {
        _other = await InferenceWorker.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:Backends:simulated:FixedLatency"] = "00:00:00.001",
            ["Inference:Backends:simulated:PerItemLatency"] = "00:00:00",
        });
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-6", OrchestratorHost.RobotToken("robot-6"));
        var (a, b, c) = (robot.Labels[0], robot.Labels[1], robot.Labels[2]);
        _task = await FleetApi.SubmitAsync(Host, $"put the {a} on the {b}, then put the {c} to the left of the {b}", "robot-6");
        var done = await FleetApi.WaitForTaskAsync(Host, _task, FleetApi.IsTerminal);
        Assert.True(FleetApi.Phase(done) == "Completed", done.ToJsonString());
        var events = await FleetApi.EventsAsync(Host, _task);
        var assigned = events.Where(e => e["type"]!.GetValue<string>() == "TraceAssigned").ToList();
        _tracedSteps = assigned.Select(e => e["data"]!["stepIndex"]!.GetValue<int>()).ToList();
        output.WriteLine(assigned[0].ToJsonString());
    }

    public async Task DisposeAsync() => await _other.DisposeAsync();

    [Fact]
    public async Task What_if_replay_with_a_differently_configured_backend_yields_one_nonzero_distance_per_recorded_trace()
    {
        var run = await FleetCli.RunAsync(["replay", _task, "--with-backend", "simulated", "--pool", _other.GrpcAddress], Environment);

        output.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(_tracedSteps.Count, _other.TraceCalls);
        var steps = Steps(run, "simulated");
        Assert.Equal(_tracedSteps.Count, steps.Count);
        Assert.Equal(_tracedSteps, steps.Select(s => s.GetProperty("step").GetInt32()));
        Assert.Equal([0, 1], _tracedSteps.Distinct());
        Assert.All(steps, s =>
        {
            Assert.Equal("geometric", s.GetProperty("recordedBackend").GetString());
            Assert.Equal("simulated", s.GetProperty("backend").GetString());
            var frechet = s.GetProperty("frechetM").GetDouble();
            var endpoint = s.GetProperty("endpointM").GetDouble();
            Assert.True(double.IsFinite(frechet) && frechet > 0.01, $"Fréchet {frechet}");
            Assert.True(double.IsFinite(endpoint) && endpoint >= 0, $"endpoint {endpoint}");
            Assert.True(frechet >= endpoint - 1e-9, $"Fréchet {frechet} is below the end-point distance {endpoint}");
            Assert.Equal(3, s.GetProperty("points").GetInt32());
            Assert.False(s.TryGetProperty("error", out _));
        });
        Assert.Contains("FRÉCHET M", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task What_if_replay_with_the_recorded_backend_gives_the_recorded_traces_back(bool throughThePool)
    {
        string[] args = throughThePool
            ? ["replay", _task, "--with-backend", "geometric", "--pool", fleet.Worker.GrpcAddress]
            : ["replay", _task, "--with-backend", "geometric"];

        var run = await FleetCli.RunAsync(args, Environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        var steps = Steps(run, "geometric");
        Assert.Equal(_tracedSteps.Count, steps.Count);
        Assert.All(steps, s =>
        {
            Assert.True(s.GetProperty("frechetM").GetDouble() is >= 0 and < 1e-9, s.ToString());
            Assert.True(s.GetProperty("endpointM").GetDouble() is >= 0 and < 1e-9, s.ToString());
            Assert.Equal(s.GetProperty("recordedPoints").GetInt32(), s.GetProperty("points").GetInt32());
        });
    }

    [Fact]
    public async Task What_if_replay_reads_an_exported_history_and_the_frames_from_the_server()
    {
        using var directory = new TempDirectory();
        var file = directory["history.jsonl"];
        var export = await FleetCli.RunAsync(["replay", _task, "--export", file], Environment);
        Assert.True(export.ExitCode == 0, export.ToString());

        var run = await FleetCli.RunAsync(["replay", "--import", file, "--with-backend", "simulated", "--pool", _other.GrpcAddress], Environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        var steps = Steps(run, "simulated");
        Assert.Equal(_tracedSteps.Count, steps.Count);
        Assert.All(steps, s => Assert.True(s.GetProperty("frechetM").GetDouble() > 0.01, s.ToString()));
    }

    [Fact]
    public async Task A_backend_the_worker_does_not_serve_is_reported_per_trace_with_exit_1()
    {
        var run = await FleetCli.RunAsync(["replay", _task, "--with-backend", "no-such-backend", "--pool", _other.GrpcAddress], Environment);

        Assert.Equal(1, run.ExitCode);
        var steps = Steps(run, "no-such-backend");
        Assert.Equal(_tracedSteps.Count, steps.Count);
        Assert.All(steps, s => Assert.Contains("backend 'no-such-backend' is not served by this worker", s.GetProperty("error").GetString(), StringComparison.Ordinal));
        Assert.Contains($"fleet: {_tracedSteps.Count} of {_tracedSteps.Count} traces could not be compared", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_in_process_backend_that_needs_configuration_exits_2()
    {
        var run = await FleetCli.RunAsync(["replay", _task, "--with-backend", "simulated"], Environment);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--with-backend: unknown in-process backend 'simulated'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pool_that_is_down_exits_3()
    {
        var closed = ClosedPort.Url();

        var run = await FleetCli.RunAsync(["replay", _task, "--with-backend", "geometric", "--pool", closed, "--timeout", "5"], Environment);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains($"cannot reach the inference pool at {closed}", run.Error, StringComparison.Ordinal);
    }

    private List<JsonElement> Steps(CliRun run, string backend)
    {
        using var report = JsonDocument.Parse(run.LastLine);
        Assert.Equal(_task, report.RootElement.GetProperty("task").GetString());
        Assert.Equal(backend, report.RootElement.GetProperty("backend").GetString());
        return report.RootElement.GetProperty("steps").EnumerateArray().Select(s => s.Clone()).ToList();
    }
}
