using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Domain.Tests.Geometry;

public sealed class Point3DTests
{
    [Fact]
    public void Arithmetic_is_component_wise()
    {
        var a = new Point3D(1, 2, 3);
        var b = new Point3D(-4, 0.5, 2);

        Assert.Equal(new Point3D(-3, 2.5, 5), a + b);
        Assert.Equal(new Point3D(5, 1.5, 1), a - b);
        Assert.Equal(new Point3D(2, 4, 6), a * 2);
        Assert.Equal(new Point3D(2, 4, 6), 2 * a);
        Assert.Equal(new Point3D(0.5, 1, 1.5), a / 2);
        Assert.Equal(new Point3D(-1, -2, -3), -a);
    }

    [Fact]
    public void Distance_dot_and_cross_match_hand_computation()
    {
        var a = new Point3D(1, 2, 2);

        Assert.Equal(3, a.Length);
        Assert.Equal(5, new Point3D(0, 0, 0).DistanceTo(new Point3D(3, 4, 0)));
        Assert.Equal(25, new Point3D(1, 1, 1).DistanceSquaredTo(new Point3D(1, 4, 5)));
        Assert.Equal(1 * 4 + 2 * 5 + 2 * 6, a.Dot(new Point3D(4, 5, 6)));
        Assert.Equal(new Point3D(0, 0, 1), new Point3D(1, 0, 0).Cross(new Point3D(0, 1, 0)));
        Assert.Equal(new Point3D(1, 0, 0), new Point3D(0, 1, 0).Cross(new Point3D(0, 0, 1)));
    }

    [Fact]
    public void Normalized_has_unit_length_and_rejects_zero()
    {
        var n = new Point3D(0, 3, 4).Normalized();

        Assert.Equal(new Point3D(0, 0.6, 0.8), n);
        Assert.Throws<InvalidOperationException>(() => Point3D.Zero.Normalized());
    }

    [Fact]
    public void Lerp_min_max_and_finiteness()
    {
        Assert.Equal(new Point3D(2.5, 5, -1), Point3D.Lerp(new Point3D(0, 0, 0), new Point3D(10, 20, -4), 0.25));
        Assert.Equal(new Point3D(-1, 2, 0), Point3D.Min(new Point3D(-1, 5, 0), new Point3D(3, 2, 7)));
        Assert.Equal(new Point3D(3, 5, 7), Point3D.Max(new Point3D(-1, 5, 0), new Point3D(3, 2, 7)));
        Assert.True(new Point3D(1, 2, 3).IsFinite);
        Assert.False(new Point3D(1, double.NaN, 3).IsFinite);
        Assert.False(new Point3D(1, 2, double.PositiveInfinity).IsFinite);
    }

    [Fact]
    public void Point2D_arithmetic_and_distance()
    {
        var a = new Point2D(3, 4);

        Assert.Equal(5, a.Length);
        Assert.Equal(new Point2D(4, 6), a + new Point2D(1, 2));
        Assert.Equal(new Point2D(1.5, 2), a / 2);
        Assert.Equal(Math.Sqrt(2), new Point2D(0, 0).DistanceTo(new Point2D(1, 1)), 12);
        Assert.Equal(new Point2D(2, 3), Point2D.Lerp(new Point2D(0, 2), new Point2D(4, 4), 0.5));
        Assert.False(new Point2D(double.NaN, 0).IsFinite);
    }
}
