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
    [InlineData("in front of", 0.5, 0.0, true)]
    public void An_object_stands_in_the_relation_only_where_the_relation_puts_it(string? direction, double x, double z, bool holds)
    {
        var cup = Box("cup-1", "red cup", new Point3D(x, 0, 0.5 + z), new Point3D(0.06, 0.06, 0.1));

        var problem = PlacementRelation.Problem(direction, cup, Plate);

        Assert.True(holds == (problem is null), problem ?? "no problem");
    }

    [Fact]
    public void The_problem_says_where_the_object_is_instead()
    {
        var cup = Box("cup-1", "red cup", new Point3D(0.3, 0, 0.5), new Point3D(0.06, 0.06, 0.1));

        Assert.Equal("the red cup (cup-1) is 0.30 m to the right of the white plate (plate-1), not to its left", PlacementRelation.Problem("to the left of", cup, Plate));
    }

    private static SceneObjectState Box(string id, string label, Point3D at, Point3D extent) =>
        new(id, label, new OrientedBox3D(at, extent, Rotation3D.Identity), 0.9, DateTimeOffset.UnixEpoch);
}
