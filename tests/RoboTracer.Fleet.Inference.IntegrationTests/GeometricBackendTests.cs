using Google.Protobuf;
using Grpc.Core;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Vision.Scenes;

namespace RoboTracer.Fleet.Inference.IntegrationTests;

/// <summary>
/// <c>geometric</c> end to end on a rendered tabletop scene: the RGB as PNG, the depth as 16UC1, the camera, and
/// the scene's objects as hints; unary and streaming.
/// </summary>
public sealed class GeometricBackendTests : IAsyncLifetime
{
    private static readonly TabletopScene Scene = TabletopScene.Generate(5, new TabletopSceneOptions { Width = 320, Height = 240, MinObjects = 4, MaxObjects = 5 });
    private static readonly RenderedScene Rendered = Scene.Render();
    private WorkerHost _worker = null!;

    public async Task InitializeAsync() => _worker = await WorkerHost.StartAsync(new Dictionary<string, string?>());

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task The_default_backend_traces_from_the_object_to_the_destination_named_in_the_instruction()
    {
        var request = SceneRequest();

        var response = await _worker.Client.TraceAsync(request, new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30)));

        Assert.Equal(("geometric", "geometric-v1"), (response.Backend, response.Model));
        var objectBox = Scene.ObjectBoxInCamera(0);
        Assert.True(ToPoint(response.Points3D[0]).DistanceTo(objectBox.Center) < 1e-9);
        var end = Scene.Objects[1].Box.ToLocal(Scene.Camera.ToWorld(ToPoint(response.Points3D[^1])));
        Assert.True(Math.Abs(end.X) <= Scene.Objects[1].Box.Extent.X / 2 && Math.Abs(end.Y) <= Scene.Objects[1].Box.Extent.Y / 2, $"ends at {end} in the destination's frame");
        Assert.True(end.Z > Scene.Objects[1].Box.Extent.Z / 2, "ends below the destination's top");
        // points_2d are the projections of points_3d.
        Assert.Equal(response.Points3D.Count, response.Points2D.Count);
        for (var i = 0; i < response.Points3D.Count; i++)
        {
            var pixel = Scene.Intrinsics.Project(ToPoint(response.Points3D[i]));
            Assert.Equal(pixel.X, response.Points2D[i].X, 6);
            Assert.Equal(pixel.Y, response.Points2D[i].Y, 6);
        }
        Assert.Equal(response.Points2D.Count, Vision.Answers.TraceAnswerParser.Parse(response.RawAnswer).Points.Count);
    }

    [Fact]
    public async Task TraceStream_sends_reasoning_then_the_trace_last()
    {
        using var call = _worker.Client.TraceStream(SceneRequest(), new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30)));

        var updates = new List<TraceUpdate>();
        await foreach (var update in call.ResponseStream.ReadAllAsync())
        {
            updates.Add(update);
        }

        Assert.True(updates.Count >= 2);
        Assert.All(updates[..^1], u => Assert.Equal(TraceUpdate.UpdateOneofCase.Reasoning, u.UpdateCase));
        Assert.Contains(updates, u => u.Reasoning.StartsWith("object: ", StringComparison.Ordinal));
        Assert.Equal(TraceUpdate.UpdateOneofCase.Trace, updates[^1].UpdateCase);
        Assert.Equal("geometric", updates[^1].Trace.Backend);
        Assert.NotEmpty(updates[^1].Trace.Points3D);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task TraceStream_ends_with_the_status_of_a_bad_request()
    {
        var request = SceneRequest();
        request.SceneHints.Clear();
        using var call = _worker.Client.TraceStream(request, new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30)));

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var update in call.ResponseStream.ReadAllAsync())
            {
                Assert.NotEqual(TraceUpdate.UpdateOneofCase.Trace, update.UpdateCase);
            }
        });

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("backend geometric needs scene_hints", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_explicit_destination_box_wins_over_the_hints()
    {
        var request = SceneRequest();
        var destination = Scene.ObjectBoxInCamera(2);
        request.Destination = ToWire(destination);

        var response = await _worker.Client.TraceAsync(request, new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30)));

        var end = Scene.Objects[2].Box.ToLocal(Scene.Camera.ToWorld(ToPoint(response.Points3D[^1])));
        Assert.True(Math.Abs(end.X) <= Scene.Objects[2].Box.Extent.X / 2 && Math.Abs(end.Y) <= Scene.Objects[2].Box.Extent.Y / 2, $"ends at {end} in the destination's frame");
    }

    private static TraceRequest SceneRequest()
    {
        var request = new TraceRequest
        {
            Instruction = $"put the {Scene.Objects[0].Label} on the {Scene.Objects[1].Label}",
            Image = new Image { Data = ByteString.CopyFrom(Rendered.Rgb.ToPng()), MediaType = "image/png" },
            Depth = new Contracts.V1.DepthImage
            {
                Encoding = DepthEncoding._16Uc1,
                Width = (uint)Rendered.Depth.Width,
                Height = (uint)Rendered.Depth.Height,
                Data = ByteString.CopyFrom(Rendered.Depth.To16UC1()),
            },
            Intrinsics = new Contracts.V1.CameraIntrinsics { Fx = Scene.Intrinsics.Fx, Fy = Scene.Intrinsics.Fy, Cx = Scene.Intrinsics.Cx, Cy = Scene.Intrinsics.Cy },
            Output = TraceOutput.Both,
        };
        for (var i = 0; i < Scene.Objects.Count; i++)
        {
            request.SceneHints.Add(new Contracts.V1.SceneObject { Id = $"o{i}", Label = Scene.Objects[i].Label, Box = ToWire(Scene.ObjectBoxInCamera(i)), Confidence = 1 });
        }
        return request;
    }

    private static Box3D ToWire(Domain.Geometry.OrientedBox3D box)
    {
        var (w, x, y, z) = box.Rotation.ToQuaternion();
        return new Box3D
        {
            Center = new Point3D { X = box.Center.X, Y = box.Center.Y, Z = box.Center.Z },
            Extent = new Point3D { X = box.Extent.X, Y = box.Extent.Y, Z = box.Extent.Z },
            Rotation = new Quaternion { W = w, X = x, Y = y, Z = z },
        };
    }

    private static Domain.Geometry.Point3D ToPoint(Point3D p) => new(p.X, p.Y, p.Z);
}
