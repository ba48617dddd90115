using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.Domain.Traces;

namespace RoboTracer.Fleet.Grains.Tests.Traces;

public sealed class TraceValidatorTests
{
    private static readonly AxisAlignedBox3D Workspace = new(new Point3D(-0.5, -0.5, 0.2), new Point3D(0.5, 0.5, 1.2));
    private static readonly CameraCalibration Camera = new(600, 600, 320, 240, 640, 480);

    [Fact]
    public void A_finite_trace_inside_the_workspace_and_image_passes()
    {
        var trace = new SpatialTrace([new Point3D(0, 0, 0.5), new Point3D(0.5, 0.5, 1.2)], [new Point2D(0, 0), new Point2D(639, 479)]);

        Assert.Null(TraceValidator.Problem(trace, Workspace, Camera));
    }

    [Theory]
    [InlineData(double.NaN, 0, 0.5, "not a finite number")]
    [InlineData(0, double.PositiveInfinity, 0.5, "not a finite number")]
    [InlineData(0, 0, 1.3, "outside the robot's workspace")]
    [InlineData(-0.6, 0, 0.5, "outside the robot's workspace")]
    public void A_bad_3D_waypoint_is_named(double x, double y, double z, string problem)
    {
        var trace = new SpatialTrace([new Point3D(0, 0, 0.5), new Point3D(x, y, z)], []);

        var found = TraceValidator.Problem(trace, Workspace);

        Assert.StartsWith("3D waypoint 1", found, StringComparison.Ordinal);
        Assert.Contains(problem, found, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_dimensional_points_must_be_finite_and_inside_the_image()
    {
        var outside = new SpatialTrace([new Point3D(0, 0, 0.5)], [new Point2D(700, 10)]);
        var nan = new SpatialTrace([new Point3D(0, 0, 0.5)], [new Point2D(10, double.NaN)]);

        Assert.Contains("outside the 640x480 image", TraceValidator.Problem(outside, null, Camera), StringComparison.Ordinal);
        Assert.Contains("not a finite number", TraceValidator.Problem(nan, null, null), StringComparison.Ordinal);
        Assert.Null(TraceValidator.Problem(outside, null, null));
    }

    [Fact]
    public void An_empty_trace_is_not_executable()
    {
        Assert.NotNull(TraceValidator.Problem(new SpatialTrace([], []), null));
        Assert.NotNull(TraceValidator.Problem(null, null));
    }

    [Fact]
    public void Corridor_distance_is_to_the_polyline_not_just_its_points()
    {
        Point3D[] path = [new(0, 0, 0), new(1, 0, 0)];

        Assert.Equal(0.2, TraceCorridor.DistanceToPath(new Point3D(0.5, 0.2, 0), path), 12);
        Assert.Equal(0.5, TraceCorridor.DistanceToPath(new Point3D(1.5, 0, 0), path), 12);
        var between = new OrientedBox3D(new Point3D(0.5, 0.1, 0), new Point3D(0.02, 0.02, 0.02), Rotation3D.Identity);
        Assert.True(TraceCorridor.Intersects(between, path, 0.1));
        Assert.False(TraceCorridor.Intersects(between, path, 0.05));
    }
}
