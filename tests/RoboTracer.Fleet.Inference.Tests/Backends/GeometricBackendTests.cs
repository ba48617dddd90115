using Grpc.Core;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Inference.Worker;
using RoboTracer.Fleet.Vision;
using RoboTracer.Fleet.Vision.Scenes;

namespace RoboTracer.Fleet.Inference.Tests.Backends;

/// <summary>
/// Which object the geometric backend moves (issue 21): the bound object (<c>object_id</c>) when the caller sends one,
/// else the hint the instruction names, for objects of every kind and colour the tabletop renderer makes.
/// </summary>
public sealed class GeometricBackendTests
{
    private static readonly TabletopSceneOptions Options = new() { Width = 160, Height = 120, MinObjects = 6, MaxObjects = 8 };

    [Fact]
    public async Task Every_kind_and_colour_of_object_is_traced_from_where_it_is_by_id_and_by_name()
    {
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        var colours = new HashSet<string>(StringComparer.Ordinal);
        for (var seed = 1; seed <= 60 && (kinds.Count < TabletopScene.ObjectKinds.Count || colours.Count < TabletopScene.ObjectColors.Count); seed++)
        {
            var scene = TabletopScene.Generate(seed, Options);
            var inputs = Inputs(scene);
            for (var i = 0; i < scene.Objects.Count; i++)
            {
                var destination = (i + 1) % scene.Objects.Count;
                var instruction = $"pick up the {scene.Objects[i].Label} and place it on the {scene.Objects[destination].Label}";
                var byId = Request(scene, instruction);
                byId.ObjectId = Id(i);
                byId.Destination = ProtoGeometry.ToWire(scene.ObjectBoxInCamera(destination));
                var byName = Request(scene, instruction);

                foreach (var request in new[] { byId, byName })
                {
                    var start = await FirstPointAsync(request, inputs);
                    Assert.True(start.DistanceTo(scene.ObjectBoxInCamera(i).Center) < 1e-9,
                        $"seed {seed}, '{instruction}' (object_id '{request.ObjectId}'): starts at {start}, not at the {scene.Objects[i].Label}");
                }
                var words = scene.Objects[i].Label.Split(' ');
                colours.Add(words[0]);
                kinds.Add(words[1]);
            }
        }

        Assert.Equal(TabletopScene.ObjectKinds.Select(k => k.Name).Order(), kinds.Order());
        Assert.Equal(TabletopScene.ObjectColors.Select(c => c.Name).Order(), colours.Order());
    }

    [Fact]
    public async Task The_bound_object_is_moved_even_when_the_instruction_names_another_hint()
    {
        // As in issue 21: the words name only the plate; the caller bound the step to another object.
        var scene = TabletopScene.Generate(3, Options);
        var request = Request(scene, $"pick up the red block and place it to the left of the {scene.Objects[1].Label}");
        request.ObjectId = Id(0);
        request.Destination = ProtoGeometry.ToWire(scene.ObjectBoxInCamera(1));

        var start = await FirstPointAsync(request, Inputs(scene));

        Assert.True(start.DistanceTo(scene.ObjectBoxInCamera(0).Center) < 1e-9, $"starts at {start}, not at the {scene.Objects[0].Label}");
    }

    [Fact]
    public async Task An_object_id_that_is_no_hint_is_refused_and_names_the_hints()
    {
        var scene = TabletopScene.Generate(3, Options);
        var request = Request(scene, $"pick up the {scene.Objects[0].Label} and place it on the {scene.Objects[1].Label}");
        request.ObjectId = "obj-99";

        var result = Assert.Single(await new GeometricBackend().TraceBatchAsync([new TraceJob(request, Inputs(scene))], CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, result.Error?.StatusCode);
        Assert.StartsWith("backend geometric: object_id 'obj-99' is not among the scene hints (obj-0, obj-1", result.Error?.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_label_inside_a_longer_word_or_label_is_not_the_object_named()
    {
        // "can" is inside "candle", "cup" inside "red cup": the instruction names the red cup.
        var scene = TabletopScene.Generate(3, Options);
        var request = Request(scene, "from the candle tray pick up the red cup and place it on the plate");
        request.SceneHints.Clear();
        request.SceneHints.Add(Hint("can", scene.ObjectBoxInCamera(2)));
        request.SceneHints.Add(Hint("cup", scene.ObjectBoxInCamera(1)));
        request.SceneHints.Add(Hint("red cup", scene.ObjectBoxInCamera(0)));
        request.Destination = ProtoGeometry.ToWire(scene.ObjectBoxInCamera(3));

        var start = await FirstPointAsync(request, Inputs(scene));

        Assert.True(start.DistanceTo(scene.ObjectBoxInCamera(0).Center) < 1e-9, $"starts at {start}, not at the red cup");
    }

    [Theory]
    [InlineData("pick up the {0} and place it to the left of the {1}", "to the left of")]
    [InlineData("pick up the {0} and place it on the right side of the {1}", "to the right of")]
    [InlineData("pick up the {0} and place it in front of the {1}", "in front of")]
    [InlineData("pick up the {0} and put it behind the {1}", "behind")]
    [InlineData("pick up the {0} and place it next to the {1}", "next to")]
    [InlineData("pick up the {0} and place it on the {1}", null)]
    [InlineData("pick up the {0} left of the bowl and place it on the {1}", null)]
    public async Task The_object_ends_where_verification_wants_it_for_the_instructions_relation(string template, string? relation)
    {
        var scene = TabletopScene.Generate(3, Options);
        var request = Request(scene, string.Format(System.Globalization.CultureInfo.InvariantCulture, template, scene.Objects[0].Label, scene.Objects[1].Label));
        var destination = scene.ObjectBoxInCamera(1);
        request.Destination = ProtoGeometry.ToWire(destination);

        var result = Assert.Single(await new GeometricBackend().TraceBatchAsync([new TraceJob(request, Inputs(scene))], CancellationToken.None));

        Assert.True(result.Response is not null, result.Error?.Detail);
        var moved = scene.ObjectBoxInCamera(0);
        var end = ProtoGeometry.ToPoint(result.Response.Points3D[^1]);
        var placed = new Domain.Scene.SceneObjectState("obj-0", scene.Objects[0].Label, moved with { Center = end }, 1, DateTimeOffset.UnixEpoch);
        var target = new Domain.Scene.SceneObjectState("obj-1", scene.Objects[1].Label, destination, 1, DateTimeOffset.UnixEpoch);
        Assert.Null(Domain.Scene.PlacementRelation.Problem(relation, placed, target));
    }

    private static async Task<Domain.Geometry.Point3D> FirstPointAsync(TraceRequest request, TraceInputs inputs)
    {
        var result = Assert.Single(await new GeometricBackend().TraceBatchAsync([new TraceJob(request, inputs)], CancellationToken.None));
        Assert.True(result.Response is not null, result.Error?.Detail);
        return ProtoGeometry.ToPoint(result.Response.Points3D[0]);
    }

    private static TraceRequest Request(TabletopScene scene, string instruction)
    {
        var request = new TraceRequest { Instruction = instruction, Backend = "geometric" };
        for (var i = 0; i < scene.Objects.Count; i++)
        {
            request.SceneHints.Add(Hint(scene.Objects[i].Label, scene.ObjectBoxInCamera(i), Id(i)));
        }
        return request;
    }

    private static Contracts.V1.SceneObject Hint(string label, Domain.Geometry.OrientedBox3D box, string? id = null) =>
        new() { Id = id ?? label, Label = label, Box = ProtoGeometry.ToWire(box), Confidence = 1 };

    private static TraceInputs Inputs(TabletopScene scene) =>
        new(new ImageInfo(ImageKind.Png, scene.Intrinsics.Width, scene.Intrinsics.Height), scene.Render().Depth, scene.Intrinsics);

    private static string Id(int index) => $"obj-{index}";
}
