using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Domain.Tests.Geometry;

public sealed class FormattingTests
{
    [Fact]
    public void Points_print_as_short_tuples()
    {
        Assert.Equal("(1.5, -2)", new Point2D(1.5, -2).ToString());
        Assert.Equal("(0.25, 0, NaN)", new Point3D(0.25, 0, double.NaN).ToString());
    }

    [Fact]
    public void Rotation_prints_its_rows_without_recursing_into_its_transpose()
    {
        Assert.Equal("[[1, 0, 0], [0, 1, 0], [0, 0, 1]]", Rotation3D.Identity.ToString());
    }

    [Fact]
    public void Boxes_print_their_defining_values()
    {
        var box = new OrientedBox3D(new Point3D(1, 2, 3), new Point3D(0.5, 0.5, 0.5), default);

        Assert.Equal("OrientedBox3D { Center = (1, 2, 3), Extent = (0.5, 0.5, 0.5), Rotation = [[1, 0, 0], [0, 1, 0], [0, 0, 1]] }", box.ToString());
        Assert.Equal("AxisAlignedBox3D { Min = (0, 0, 0), Max = (1, 1, 1) }", new AxisAlignedBox3D(Point3D.Zero, new Point3D(1, 1, 1)).ToString());
    }
}
