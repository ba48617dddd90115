using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Domain.Tests.Geometry;

public sealed class BoxTests
{
    private const int Precision = 12;

    // A 2 x 1 x 0.5 m box centred at (1, 0, 3), turned 90° about z: its long side now runs along y.
    private static readonly OrientedBox3D Turned = new(new Point3D(1, 0, 3), new Point3D(2, 1, 0.5), Rotation3D.AboutZ(Math.PI / 2));

    [Fact]
    public void Oriented_box_contains_points_along_its_rotated_axes()
    {
        Assert.True(Turned.Contains(new Point3D(1, 0.99, 3)));
        // cos(π/2) is 6e-17, not 0, so a point exactly on a face needs a rounding-sized tolerance.
        Assert.True(Turned.Contains(new Point3D(1.5, -1, 3.25), tolerance: 1e-12), "a corner is inside (closed box)");
        Assert.False(Turned.Contains(new Point3D(1.9, 0, 3)), "x only reaches ±0.5 after the turn");
        Assert.False(Turned.Contains(new Point3D(1, 0, 3.3)));
        Assert.True(Turned.Contains(new Point3D(1, 0, 3.3), tolerance: 0.05));
    }

    [Fact]
    public void Oriented_box_distance_is_zero_inside_and_euclidean_outside()
    {
        Assert.Equal(0, Turned.DistanceTo(new Point3D(1.2, 0.5, 3.1)));
        // 0.5 beyond the x face (x half-extent is 0.5 after the turn).
        Assert.Equal(0.5, Turned.DistanceTo(new Point3D(2, 0, 3)), Precision);
        // Beyond a corner edge: 0.3 past x = 1.5 and 0.4 past y = 1 -> 0.5.
        Assert.Equal(0.5, Turned.DistanceTo(new Point3D(1.8, 1.4, 3)), Precision);
    }

    [Fact]
    public void Distance_to_surface_measures_depth_inside()
    {
        Assert.Equal(0.25, Turned.DistanceToSurface(Turned.Center), Precision);
        Assert.Equal(0.1, Turned.DistanceToSurface(new Point3D(1.4, 0, 3)), Precision);
        Assert.Equal(0.5, Turned.DistanceToSurface(new Point3D(2, 0, 3)), Precision);
    }

    [Fact]
    public void Forty_five_degree_box_reaches_its_corner_diagonally()
    {
        var diamond = new OrientedBox3D(Point3D.Zero, new Point3D(1, 1, 1), Rotation3D.AboutZ(Math.PI / 4));

        Assert.True(diamond.Contains(new Point3D(0.7, 0, 0)));
        Assert.False(diamond.Contains(new Point3D(0.45, 0.45, 0)));
        Assert.Equal(Math.Sqrt(0.5), diamond.AxisAlignedBounds().Max.X, Precision);
    }

    [Fact]
    public void Corners_follow_the_bit_order_and_local_frame_round_trips()
    {
        var corners = Turned.Corners();

        Assert.Equal(8, corners.Length);
        // Corner 0 is (-1, -0.5, -0.25) locally; turned 90° about z that is (0.5, -1, -0.25) from the centre.
        Assert.Equal(1.5, corners[0].X, Precision);
        Assert.Equal(-1, corners[0].Y, Precision);
        Assert.Equal(2.75, corners[0].Z, Precision);
        Assert.Equal(0.5, corners[7].X, Precision);
        Assert.Equal(1, corners[7].Y, Precision);
        Assert.Equal(3.25, corners[7].Z, Precision);
        Assert.All(corners, c => Assert.True(Turned.Contains(c, 1e-12)));
        var p = new Point3D(0.3, 2, -1);
        var back = Turned.ToParent(Turned.ToLocal(p));
        Assert.Equal(p.X, back.X, Precision);
        Assert.Equal(p.Y, back.Y, Precision);
        Assert.Equal(p.Z, back.Z, Precision);
    }

    [Fact]
    public void Transformed_box_keeps_containment()
    {
        var rotation = Rotation3D.FromAxisAngle(new Point3D(1, 1, 0), 0.8);
        var translation = new Point3D(-2, 0.5, 4);
        var moved = Turned.Transformed(rotation, translation);
        var inside = new Point3D(1.2, 0.7, 3.1);
        var outside = new Point3D(2, 0, 3);

        Assert.True(moved.Contains(rotation.Rotate(inside) + translation, 1e-12));
        Assert.False(moved.Contains(rotation.Rotate(outside) + translation));
        Assert.Equal(0.5, moved.DistanceTo(rotation.Rotate(outside) + translation), Precision);
        Assert.Equal(Turned.Center + new Point3D(1, 1, 1), Turned.Translated(new Point3D(1, 1, 1)).Center);
    }

    [Fact]
    public void Default_oriented_box_is_axis_aligned()
    {
        var box = new OrientedBox3D(Point3D.Zero, new Point3D(2, 2, 2), default);

        Assert.True(box.Contains(new Point3D(1, -1, 1)));
        Assert.Equal(8, box.Volume);
        Assert.Equal(OrientedBox3D.FromAxisAligned(new AxisAlignedBox3D(new Point3D(-1, -1, -1), new Point3D(1, 1, 1))), box);
    }

    [Fact]
    public void Axis_aligned_box_basics()
    {
        var box = new AxisAlignedBox3D(new Point3D(0, 0, 0), new Point3D(2, 4, 6));

        Assert.Equal(new Point3D(1, 2, 3), box.Center);
        Assert.Equal(new Point3D(2, 4, 6), box.Size);
        Assert.Equal(48, box.Volume);
        Assert.True(box.Contains(new Point3D(2, 4, 6)));
        Assert.False(box.Contains(new Point3D(2.1, 4, 6)));
        Assert.Equal(5, box.DistanceTo(new Point3D(5, 8, 3)), Precision);
        Assert.Equal(0, box.DistanceTo(new Point3D(1, 1, 1)));
        Assert.Equal(new Point3D(2, 0, 0), box.Corners()[1]);
        Assert.Equal(new Point3D(0, 4, 6), box.Corners()[6]);
    }

    [Fact]
    public void Axis_aligned_box_from_points_union_and_intersection()
    {
        var box = AxisAlignedBox3D.FromPoints([new Point3D(1, -2, 3), new Point3D(-1, 5, 0), new Point3D(0, 0, 7)]);

        Assert.Equal(new Point3D(-1, -2, 0), box.Min);
        Assert.Equal(new Point3D(1, 5, 7), box.Max);
        var other = AxisAlignedBox3D.FromCenterSize(new Point3D(2, 0, 0), new Point3D(2, 2, 2));
        Assert.True(box.Intersects(other), "they touch at x = 1");
        Assert.False(box.Intersects(other.Inflated(-0.5)));
        Assert.Equal(new Point3D(3, 5, 7), box.Union(other).Max);
        Assert.Throws<ArgumentException>(() => AxisAlignedBox3D.FromPoints([]));
    }

    [Fact]
    public void Axis_aligned_box_rejects_inverted_corners()
    {
        var error = Assert.Throws<ArgumentException>(() => new AxisAlignedBox3D(new Point3D(0, 1, 0), new Point3D(1, 0, 1)));

        Assert.Contains("not at or below", error.Message);
    }
}
