using System.Globalization;
using RoboTracer.Fleet.AppHost.Hosting;

namespace RoboTracer.Fleet.AppHost.IntegrationTests;

public sealed class SupervisionTests
{
    private static readonly RestartPolicy Fast = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5));

    [Fact]
    public async Task A_child_that_dies_is_reported_and_restarted()
    {
        var output = new RecordingWriter();
        var builder = new DistributedApplicationBuilder(new LogPrefixer(output), "dotnet");
        builder.AddExecutable("crasher", "/bin/sh", "/", "-c", "echo up; exit 3").WithRestartPolicy(Fast);
        var app = builder.Build();
        using var stop = new CancellationTokenSource();

        var run = app.RunAsync(stop.Token);
        await output.WaitForAsync(lines => lines.Count(l => l == "[crasher] up") >= 3, "three starts of the crashing child");
        await stop.CancelAsync();

        Assert.Equal(0, await run);
        Assert.Contains(output.Lines, l => l.StartsWith("[apphost] crasher exited unexpectedly with code 3; restarting in", StringComparison.Ordinal));
        Assert.True(app.Supervisor("crasher")!.Starts >= 3);
    }

    [Fact]
    public async Task Cancellation_stops_a_child_with_SIGTERM_and_returns_0()
    {
        var output = new RecordingWriter();
        var builder = new DistributedApplicationBuilder(new LogPrefixer(output), "dotnet");
        builder.AddExecutable("worker", "/bin/sh", "/", "-c", "trap 'echo terminated; exit 0' TERM; echo pid $$; while :; do sleep 0.05; done").WithRestartPolicy(Fast);
        var app = builder.Build();
        using var stop = new CancellationTokenSource();

        var run = app.RunAsync(stop.Token);
        await output.WaitForAsync(lines => lines.Any(l => l.StartsWith("[worker] pid ", StringComparison.Ordinal)), "the child to start");
        var pid = int.Parse(output.Lines.First(l => l.StartsWith("[worker] pid ", StringComparison.Ordinal))["[worker] pid ".Length..], CultureInfo.InvariantCulture);
        await stop.CancelAsync();

        Assert.Equal(0, await run);
        Assert.Contains("[worker] terminated", output.Lines);
        Assert.False(Directory.Exists($"/proc/{pid}"), "the child is gone");
        Assert.Equal(1, app.Supervisor("worker")!.Starts);
    }

    [Fact]
    public async Task A_child_that_ignores_SIGTERM_is_killed_after_the_grace_period()
    {
        var output = new RecordingWriter();
        var builder = new DistributedApplicationBuilder(new LogPrefixer(output), "dotnet");
        builder.AddExecutable("stubborn", "/bin/sh", "/", "-c", "trap '' TERM; echo pid $$; while :; do sleep 0.05; done")
            .WithRestartPolicy(Fast with { StopGracePeriod = TimeSpan.FromMilliseconds(300) });
        var app = builder.Build();
        using var stop = new CancellationTokenSource();

        var run = app.RunAsync(stop.Token);
        await output.WaitForAsync(lines => lines.Any(l => l.StartsWith("[stubborn] pid ", StringComparison.Ordinal)), "the child to start");
        var pid = int.Parse(output.Lines.First(l => l.StartsWith("[stubborn] pid ", StringComparison.Ordinal))["[stubborn] pid ".Length..], CultureInfo.InvariantCulture);
        await stop.CancelAsync();

        Assert.Equal(0, await run);
        Assert.False(Directory.Exists($"/proc/{pid}"), "the child is gone");
    }

    [Fact]
    public async Task Replicas_get_their_own_names_environment_and_endpoint_hand_over()
    {
        var output = new RecordingWriter();
        var builder = new DistributedApplicationBuilder(new LogPrefixer(output), "dotnet");
        var pool = builder.AddExecutable("pool", "/bin/sh", "/", "-c", "echo grpc=$Kestrel__Endpoints__Grpc__Url; exec sleep 30").WithReplicas(2).WithGrpcEndpoint();
        builder.AddExecutable("client", "/bin/sh", "/", "-c", "echo pool=$services__pool__grpc__0,$services__pool__grpc__1 target=$TARGET; exec sleep 30")
            .WithReference(pool)
            .WithEnvironment("TARGET", pool.GetEndpoint("grpc", 1))
            .WaitFor(pool);
        var app = builder.Build();
        var urls = new[] { app.Model.Url(pool.Resource, "grpc", 0), app.Model.Url(pool.Resource, "grpc", 1) };
        using var stop = new CancellationTokenSource();

        var run = app.RunAsync(stop.Token);
        await output.WaitForAsync(lines => lines.Any(l => l.StartsWith("[client] pool=", StringComparison.Ordinal)) && lines.Count(l => l.Contains("grpc=", StringComparison.Ordinal)) == 2, "all three children");
        await stop.CancelAsync();

        Assert.Equal(0, await run);
        Assert.Contains($"[pool-0] grpc={urls[0]}", output.Lines);
        Assert.Contains($"[pool-1] grpc={urls[1]}", output.Lines);
        Assert.Contains($"[client] pool={urls[0]},{urls[1]} target={urls[1]}", output.Lines);
    }

    [Fact]
    public async Task A_dependent_starts_only_after_its_dependency_is_healthy_and_a_never_healthy_one_fails_the_run()
    {
        var output = new RecordingWriter();
        var builder = new DistributedApplicationBuilder(new LogPrefixer(output), "dotnet") { ReadyTimeout = TimeSpan.FromSeconds(1) };
        // Nothing listens on its endpoint, so it never becomes healthy.
        var server = builder.AddExecutable("server", "/bin/sh", "/", "-c", "exec sleep 30").WithHttpEndpoint().WithHttpHealthCheck("/alive");
        builder.AddExecutable("dependent", "/bin/sh", "/", "-c", "echo started; exec sleep 30").WaitFor(server);
        var app = builder.Build();

        var exitCode = await app.RunAsync(CancellationToken.None);

        Assert.Equal(1, exitCode);
        Assert.Contains(output.Lines, l => l.StartsWith("[apphost] server did not become healthy within", StringComparison.Ordinal));
        Assert.DoesNotContain("[dependent] started", output.Lines);
    }
}
