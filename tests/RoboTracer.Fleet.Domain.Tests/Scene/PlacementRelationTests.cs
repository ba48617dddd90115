using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Scene;

namespace RoboTracer.Fleet.Domain.Tests.Scene;

public sealed class PlacementRelationTests
{
    // A plate 0.2 m wide in the camera frame (x right), 0.5 m ahead; boxes upright as robots report them.
    private static readonly SceneObjectState Plate = Box("plate-1", "white plate", new Point3D(0, 0, 0.5), new Point3D(0.2, 0.2, 0.02));

    [Theory]
    [InlineData(null, 0.05, 0.0, true)]
    [InlineData(null, 0.25, 0.0, false)]
    [InlineData("to the left of", -0.2, 0.0, true)]
    [InlineData("to the left of", 0.2, 0.0, false)]
    [InlineData("to the left of", -0.05, 0.0, false)]
    [InlineData("to the right of", 0.2, 0.0, true)]
    [InlineData("to the right of", -0.2, 0.0, false)]
    [InlineData("next to", 0.2, 0.0, true)]
    [InlineData("near", 0.0, 0.0, false)]
    [InlineData("next to", 0.5, 0.0, false)]
    public void An_object_stands_in_the_relation_only_where_the_relation_puts_it(string? direction, double x, double y, bool holds)
    {
        var cup = Box("cup-1", "red cup", new Point3D(x, y, 0.5), new Point3D(0.06, 0.06, 0.1));

        var problem = PlacementRelation.Problem(direction, cup, Plate);

        Assert.True(holds == (problem is null), problem ?? "no problem");
    }

    [Fact]
    public void In_front_of_is_the_side_of_the_destination_nearer_the_camera_along_the_table_and_behind_the_other()
    {
        // A camera looking down at the table at 45 degrees: the plate's own z (up) points up in the image and back at the camera.
        var tilted = new OrientedBox3D(new Point3D(0, 0.1, 0.6), new Point3D(0.2, 0.2, 0.02), Rotation3D.AboutX(3 * Math.PI / 4));
        var plate = Plate with { Box = tilted };
        var nearer = Box("cup-1", "red cup", tilted.ToParent(new Point3D(0, -0.2, 0)), new Point3D(0.06, 0.06, 0.1));
        var farther = Box("cup-1", "red cup", tilted.ToParent(new Point3D(0, 0.2, 0)), new Point3D(0.06, 0.06, 0.1));
        var on = Box("cup-1", "red cup", tilted.ToParent(new Point3D(0, 0, 0.05)), new Point3D(0.06, 0.06, 0.1));

        Assert.True(nearer.Box.Center.DistanceTo(default) < farther.Box.Center.DistanceTo(default), "the test's nearer cup is not nearer the camera");
        Assert.Null(PlacementRelation.Problem("in front of", nearer, plate));
        Assert.Null(PlacementRelation.Problem("behind", farther, plate));
        Assert.Equal("the red cup (cup-1) is behind the white plate (plate-1) (as the camera sees it), not in front of it", PlacementRelation.Problem("in front of", farther, plate));
        Assert.Equal("the red cup (cup-1) is in front of the white plate (plate-1) (as the camera sees it), not behind it", PlacementRelation.Problem("behind", nearer, plate));
        Assert.Equal("the red cup (cup-1) is on the white plate (plate-1), not in front of it", PlacementRelation.Problem("in front of", on, plate));
    }

    [Fact]
    public void The_problem_says_where_the_object_is_instead()
    {
        var cup = Box("cup-1", "red cup", new Point3D(0.3, 0, 0.5), new Point3D(0.06, 0.06, 0.1));

        Assert.Equal("the red cup (cup-1) is 0.30 m to the right of the white plate (plate-1), not to its left", PlacementRelation.Problem("to the left of", cup, Plate));
    }

    [Theory]
    [InlineData("to the left of")]
    [InlineData("on the left of")]
    [InlineData("Left  of")]
    // Judged since the verifier reads SpatialRelations' table; before, it passed these whatever the placement.
    [InlineData("to the left side of")]
    [InlineData("left side of")]
    public void Every_phrase_of_left_of_is_judged_as_left_of(string direction)
    {
        var cup = Box("cup-1", "red cup", new Point3D(0.3, 0, 0.5), new Point3D(0.06, 0.06, 0.1));

        Assert.Equal("the red cup (cup-1) is 0.30 m to the right of the white plate (plate-1), not to its left", PlacementRelation.Problem(direction, cup, Plate));
    }

    [Theory]
    [InlineData("under")]
    [InlineData("between")]
    [InlineData("on")]
    [InlineData("upon")]
    public void A_direction_naming_no_judged_relation_is_not_judged(string direction)
    {
        var cup = Box("cup-1", "red cup", new Point3D(1.0, 0, 0.5), new Point3D(0.06, 0.06, 0.1));

        Assert.NotNull(PlacementRelation.Problem(null, cup, Plate));
        Assert.Null(PlacementRelation.Problem(direction, cup, Plate));
    }

    private static SceneObjectState Box(string id, string label, Point3D at, Point3D extent) =>
        new(id, label, new OrientedBox3D(at, extent, Rotation3D.Identity), 0.9, DateTimeOffset.UnixEpoch);
}
