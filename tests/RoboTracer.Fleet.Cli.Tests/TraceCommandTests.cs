using System.Globalization;
using System.Text.Json;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Vision.Scenes;

using RoboTracer.Fleet.Testing;

namespace RoboTracer.Fleet.Cli.Tests;

/// <summary><c>trace</c> against a real pool worker on loopback (geometric backend) with a rendered tabletop scene.</summary>
public sealed class TraceCommandTests : IAsyncLifetime
{
    private static readonly TabletopScene Scene = TabletopScene.Generate(5, new TabletopSceneOptions { Width = 320, Height = 240, MinObjects = 4, MaxObjects = 5 });
    private readonly TempDirectory _directory = new();
    private InferenceWorker _worker = null!;

    public async Task InitializeAsync()
    {
        _worker = await InferenceWorker.StartAsync();
        var rendered = Scene.Render();
        await File.WriteAllBytesAsync(_directory["rgb.png"], rendered.Rgb.ToPng());
        await File.WriteAllBytesAsync(_directory["depth.png"], rendered.Depth.ToPng());
    }

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Trace_asks_the_worker_once_and_prints_a_trace_from_the_object()
    {
        var (from, to) = (Scene.Objects[0].Label, Scene.Objects[1].Label);

        var run = await FleetCli.RunAsync(Args(_worker.GrpcAddress, $"put the {from} on the {to}", "--object", Hint(0), "--object", Hint(1)));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(1, _worker.TraceCalls);
        Assert.Contains("backend geometric", run.Out, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(run.LastLine);
        var points = json.RootElement.GetProperty("points3d");
        Assert.True(points.GetArrayLength() >= 2, run.LastLine);
        var first = new Point3D(points[0].GetProperty("x").GetDouble(), points[0].GetProperty("y").GetDouble(), points[0].GetProperty("z").GetDouble());
        Assert.True(first.DistanceTo(Scene.ObjectBoxInCamera(0).Center) < 1e-6, $"starts at {first}");
    }

    [Fact]
    public async Task The_workers_refusal_is_shown_with_exit_2()
    {
        // No hints: the geometric backend cannot know what to move.
        var run = await FleetCli.RunAsync(Args(_worker.GrpcAddress, "put the cup on the plate"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("the worker refused the request: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("scene_hints", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_that_is_down_exits_3()
    {
        var closed = ClosedPort.Url();

        var run = await FleetCli.RunAsync(Args(closed, "put the cup on the plate", "--timeout", "5"));

        Assert.Equal(3, run.ExitCode);
        Assert.Contains($"cannot reach the inference pool at {closed}", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--image", "missing.png", "--image")]
    [InlineData("--depth", "rgb.png", "a depth PNG must be 16-bit grayscale")]
    [InlineData("--object", "cup=1,2,3", "must be six numbers")]
    public async Task Bad_inputs_exit_2_before_any_call(string option, string value, string message)
    {
        var args = Args(_worker.GrpcAddress, "put the cup on the plate").ToList();
        var at = args.IndexOf(option);
        var given = value.EndsWith(".png", StringComparison.Ordinal) ? _directory[value] : value;
        if (at >= 0)
        {
            args[at + 1] = given;
        }
        else
        {
            args.AddRange([option, given]);
        }

        var run = await FleetCli.RunAsync([.. args]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Equal(0, _worker.TraceCalls);
    }

    private string[] Args(string pool, string text, params string[] more)
    {
        var k = Scene.Intrinsics;
        return
        [
            "trace", "--pool", pool, "--image", _directory["rgb.png"], "--depth", _directory["depth.png"],
            "--fx", Number(k.Fx), "--fy", Number(k.Fy), "--cx", Number(k.Cx), "--cy", Number(k.Cy), "--text", text, .. more,
        ];
    }

    /// <summary>The object's axis-aligned bounds in the camera frame, as --object takes them.</summary>
    private static string Hint(int index)
    {
        var box = Scene.ObjectBoxInCamera(index).AxisAlignedBounds();
        var c = box.Center;
        var e = box.Size;
        return $"{Scene.Objects[index].Label}={Number(c.X)},{Number(c.Y)},{Number(c.Z)},{Number(e.X)},{Number(e.Y)},{Number(e.Z)}";
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
