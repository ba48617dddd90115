using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Vision;
using RoboTracer.Fleet.Vision.Scenes;
using RoboTracer.Fleet.Vision.Spatial;

namespace RoboTracer.Fleet.Inference.Tests.Backends;

/// <summary>
/// The geometric tracer on rendered tabletop scenes: it sees only the rendered depth and the camera, and is judged
/// against the scene's true boxes.
/// </summary>
public sealed class GeometricTracePlannerTests
{
    private static readonly TabletopSceneOptions Options = new() { Width = 320, Height = 240, MinObjects = 4, MaxObjects = 6 };

    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_trace_starts_at_the_object_and_ends_on_the_destination(int seed)
    {
        var scene = TabletopScene.Generate(seed, Options);
        var (objectBox, destination) = (scene.ObjectBoxInCamera(0), scene.ObjectBoxInCamera(1));

        var trace = Plan(scene, objectBox, destination);

        Assert.True(trace[0].DistanceTo(objectBox.Center) < 1e-9, $"seed {seed}: starts at {trace[0]}, not at the object {objectBox.Center}");
        // In the destination's own frame (z is the table's up): over its footprint, resting on its top.
        var end = scene.Camera.ToWorld(trace[^1]);
        var world = scene.Objects[1].Box;
        var local = world.ToLocal(end);
        Assert.True(Math.Abs(local.X) <= world.Extent.X / 2 && Math.Abs(local.Y) <= world.Extent.Y / 2, $"seed {seed}: ends at {local} (destination frame), off the footprint {world.Extent}");
        var restingHeight = (world.Extent.Z / 2) + (scene.Objects[0].Box.Extent.Z / 2);
        Assert.True(Math.Abs(local.Z - restingHeight) < 0.02, $"seed {seed}: ends {local.Z:0.000} m above the destination centre; resting on it is {restingHeight:0.000} m");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void No_waypoint_is_in_an_occupied_voxel_other_than_the_object_and_destination(int seed)
    {
        var scene = TabletopScene.Generate(seed, Options);
        var rendered = scene.Render();
        var (objectBox, destination) = (scene.ObjectBoxInCamera(0), scene.ObjectBoxInCamera(1));
        var occupancy = VoxelGrid.FromDepth(rendered.Depth, scene.Intrinsics, GeometricTracePlanner.VoxelSize);
        occupancy.RemoveInside(objectBox, GeometricTracePlanner.VoxelSize);
        occupancy.RemoveInside(destination, GeometricTracePlanner.VoxelSize);

        var trace = GeometricTracePlanner.Plan(new GeometricScene(rendered.Depth, scene.Intrinsics, objectBox, destination));

        Assert.All(trace, p => Assert.False(occupancy.Occupied(p), $"seed {seed}: waypoint {p} is in an occupied voxel"));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_path_between_waypoints_stays_out_of_every_other_object_and_above_the_table(int seed)
    {
        var scene = TabletopScene.Generate(seed, Options);

        var trace = Plan(scene, scene.ObjectBoxInCamera(0), scene.ObjectBoxInCamera(1));

        foreach (var sample in Samples(trace))
        {
            var world = scene.Camera.ToWorld(sample);
            Assert.True(world.Z > -0.005, $"seed {seed}: the path dips into the table at {world}");
            for (var i = 2; i < scene.Objects.Count; i++)
            {
                Assert.False(scene.Objects[i].Box.Contains(world), $"seed {seed}: the path passes through the {scene.Objects[i].Label} at {world}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    public void An_obstacle_between_object_and_destination_makes_the_trace_go_over_or_around_it(int seed)
    {
        var camera = TabletopScene.Generate(seed, Options);
        var block = new SceneObject("red block", new Rgb8(200, 40, 40), Box(-0.2, 0, 0.05, 0.05, 0.05));
        var plate = new SceneObject("blue plate", new Rgb8(40, 80, 200), Box(0.2, 0, 0.2, 0.2, 0.02));
        var bottle = new SceneObject("green bottle", new Rgb8(40, 160, 60), Box(0, 0, 0.07, 0.07, 0.25));
        var open = camera with { Objects = [block, plate] };
        var blocked = camera with { Objects = [block, plate, bottle] };

        var direct = Plan(open, open.ObjectBoxInCamera(0), open.ObjectBoxInCamera(1)).Select(open.Camera.ToWorld).ToList();
        var detour = Plan(blocked, blocked.ObjectBoxInCamera(0), blocked.ObjectBoxInCamera(1)).Select(blocked.Camera.ToWorld).ToList();

        // The direct path would go through the bottle; the planned one keeps the carried block's half size clear of it.
        Assert.Contains(Samples(direct), p => bottle.Box.Contains(p));
        Assert.DoesNotContain(Samples(detour), p => bottle.Box.Contains(p, 0.025));
        var over = detour.Max(p => p.Z) > bottle.Box.Extent.Z;
        var around = detour.Max(p => Math.Abs(p.Y)) > bottle.Box.Extent.Y / 2;
        Assert.True(over || around, "the trace neither rises over the bottle nor goes around it");
    }

    [Fact]
    public void A_stack_close_under_the_camera_is_lifted_no_further_than_the_view_allows()
    {
        // Found by bench fleet: stacking objects on each other, step after step, brought the stack within the lift
        // height of a camera looking down from 0.5 m, and the trace rose behind it (and could not be drawn).
        var scene = TabletopScene.Generate(3, Options);
        var overhead = scene with { Camera = CameraPose.LookAt(new Point3D(0, -0.15, 0.5), new Point3D(0, 0, 0), new Point3D(0, 0, 1)) };
        // The top of a stack, 9 cm in front of the lens: less room above it than the first lift.
        var top = new SceneObject("red block", new Rgb8(200, 40, 40), Box(-0.05, 0, 0.05, 0.05, 0.05) with { Center = new Point3D(-0.05, 0, 0.45) });
        var plate = new SceneObject("blue plate", new Rgb8(40, 80, 200), Box(0.1, 0, 0.2, 0.2, 0.02));
        var stacked = overhead with { Objects = [top, plate] };

        var trace = Plan(stacked, stacked.ObjectBoxInCamera(0), stacked.ObjectBoxInCamera(1));

        Assert.All(trace, p => Assert.True(p.Z >= GeometricTracePlanner.MinDepth, $"waypoint {p} is behind or at the camera"));
        Assert.All(trace, p => stacked.Intrinsics.Project(p));
        Assert.True(trace[0].DistanceTo(stacked.ObjectBoxInCamera(0).Center) < 1e-9);
    }

    [Fact]
    public void An_object_behind_the_camera_is_refused_with_a_reason()
    {
        var k = new CameraIntrinsics(100, 100, 15.5, 11.5, 32, 24);
        var depth = new DepthImage(32, 24, Enumerable.Repeat(1f, 32 * 24).ToArray());
        var behind = new OrientedBox3D(new Point3D(0, 0, -0.2), new Point3D(0.1, 0.1, 0.1), Rotation3D.Identity);
        var ahead = new OrientedBox3D(new Point3D(0, 0, 0.8), new Point3D(0.1, 0.1, 0.1), Rotation3D.Identity);

        var ex = Assert.Throws<ArgumentException>(() => GeometricTracePlanner.Plan(new GeometricScene(depth, k, behind, ahead)));

        Assert.Contains("in front of the camera", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_scene_gives_the_same_trace()
    {
        var scene = TabletopScene.Generate(3, Options);

        var first = Plan(scene, scene.ObjectBoxInCamera(0), scene.ObjectBoxInCamera(1));
        var second = Plan(scene, scene.ObjectBoxInCamera(0), scene.ObjectBoxInCamera(1));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Up_is_the_table_normal_seen_from_the_camera()
    {
        var scene = TabletopScene.Generate(2, Options);
        var rendered = scene.Render();

        var up = GeometricTracePlanner.EstimateUp(rendered.Depth, scene.Intrinsics);

        var truth = scene.Camera.Rotation.Rotate(new Point3D(0, 0, 1));
        Assert.True(up.Dot(truth) > 0.999, $"estimated up {up}, true up {truth}");
    }

    [Fact]
    public void A_depth_map_without_samples_is_refused()
    {
        var k = new CameraIntrinsics(100, 100, 15.5, 11.5, 32, 24);
        var empty = new DepthImage(32, 24, new float[32 * 24]);
        var box = new OrientedBox3D(new Point3D(0, 0, 1), new Point3D(0.1, 0.1, 0.1), Rotation3D.Identity);

        var ex = Assert.Throws<ArgumentException>(() => GeometricTracePlanner.Plan(new GeometricScene(empty, k, box, box)));

        Assert.Contains("fewer than 3 valid samples", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void To_the_left_or_right_of_the_destination_the_object_is_set_down_beside_it_on_that_side(int seed)
    {
        var scene = TabletopScene.Generate(seed, Options);
        var (objectBox, destination) = (scene.ObjectBoxInCamera(0), scene.ObjectBoxInCamera(1));

        foreach (var side in new[] { -1, 1 })
        {
            var trace = Plan(scene, objectBox, destination, side);

            var end = trace[^1];
            Assert.True(Math.Sign(end.X - destination.Center.X) == side, $"seed {seed}, side {side}: ends at {end}, destination at {destination.Center}");
            // In the destination's own frame (z up): off its footprint, and resting on the table top.
            var local = scene.Objects[1].Box.ToLocal(scene.Camera.ToWorld(end));
            var world = scene.Objects[1].Box;
            Assert.True(Math.Abs(local.X) > world.Extent.X / 2 || Math.Abs(local.Y) > world.Extent.Y / 2, $"seed {seed}, side {side}: ends over the destination at {local}");
            var height = scene.Camera.ToWorld(end).Z;
            Assert.True(Math.Abs(height - (scene.Objects[0].Box.Extent.Z / 2)) < 0.02, $"seed {seed}, side {side}: ends {height:0.000} m above the table, not resting on it");
        }
    }

    private static IReadOnlyList<Point3D> Plan(TabletopScene scene, OrientedBox3D objectBox, OrientedBox3D destination, int side = 0) =>
        GeometricTracePlanner.Plan(new GeometricScene(scene.Render().Depth, scene.Intrinsics, objectBox, destination, side switch
        {
            < 0 => PlacementSide.Left,
            > 0 => PlacementSide.Right,
            _ => PlacementSide.On,
        }));

    private static OrientedBox3D Box(double x, double y, double sizeX, double sizeY, double sizeZ) =>
        new(new Point3D(x, y, sizeZ / 2), new Point3D(sizeX, sizeY, sizeZ), Rotation3D.Identity);

    /// <summary>Points every 5 mm along the polyline.</summary>
    private static IEnumerable<Point3D> Samples(IReadOnlyList<Point3D> path)
    {
        for (var i = 1; i < path.Count; i++)
        {
            var steps = Math.Max(1, (int)Math.Ceiling(path[i - 1].DistanceTo(path[i]) / 0.005));
            for (var s = 0; s <= steps; s++)
            {
                yield return Point3D.Lerp(path[i - 1], path[i], (double)s / steps);
            }
        }
    }
}
