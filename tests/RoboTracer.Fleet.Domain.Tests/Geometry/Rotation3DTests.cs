using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Domain.Tests.Geometry;

public sealed class Rotation3DTests
{
    private const int Precision = 12;

    [Fact]
    public void Default_is_the_identity()
    {
        var r = default(Rotation3D);

        Assert.Equal(Rotation3D.Identity, r);
        Assert.Equal(new Point3D(1, 2, 3), r.Rotate(new Point3D(1, 2, 3)));
        Assert.Equal([1, 0, 0, 0, 1, 0, 0, 0, 1], r.ToRowMajor());
        Assert.True(r.IsRotation());
    }

    [Fact]
    public void Quarter_turn_about_z_takes_x_to_y()
    {
        var r = Rotation3D.AboutZ(Math.PI / 2);

        AssertClose(new Point3D(0, 1, 0), r.Rotate(new Point3D(1, 0, 0)));
        AssertClose(new Point3D(-1, 0, 0), r.Rotate(new Point3D(0, 1, 0)));
        AssertClose(new Point3D(0, 0, 1), r.Rotate(new Point3D(0, 0, 1)));
    }

    [Fact]
    public void Axis_rotations_follow_the_right_hand_rule()
    {
        AssertClose(new Point3D(0, 0, 1), Rotation3D.AboutX(Math.PI / 2).Rotate(new Point3D(0, 1, 0)));
        AssertClose(new Point3D(1, 0, 0), Rotation3D.AboutY(Math.PI / 2).Rotate(new Point3D(0, 0, 1)));
        var general = Rotation3D.FromAxisAngle(new Point3D(0, 0, 5), Math.PI / 2);
        AssertClose(Rotation3D.AboutZ(Math.PI / 2), general);
    }

    [Fact]
    public void Quaternion_of_a_quarter_turn_about_z_matches_the_matrix()
    {
        var h = Math.Sqrt(0.5);

        var fromQuaternion = Rotation3D.FromQuaternion(h, 0, 0, h);

        AssertClose(Rotation3D.AboutZ(Math.PI / 2), fromQuaternion);
        var (w, x, y, z) = fromQuaternion.ToQuaternion();
        Assert.Equal(h, w, Precision);
        Assert.Equal(0, x, Precision);
        Assert.Equal(0, y, Precision);
        Assert.Equal(h, z, Precision);
    }

    [Theory]
    [InlineData(0.3, 1, 2, 3)]
    [InlineData(3.1, -1, 0.2, 0.1)]
    [InlineData(Math.PI, 1, 0, 0)]
    [InlineData(Math.PI, 0, 1, 1)]
    [InlineData(2.0, 0, 0, -1)]
    public void Quaternion_round_trip_preserves_the_rotation(double angle, double ax, double ay, double az)
    {
        var r = Rotation3D.FromAxisAngle(new Point3D(ax, ay, az), angle);

        var (w, x, y, z) = r.ToQuaternion();
        var back = Rotation3D.FromQuaternion(w, x, y, z);

        Assert.True(w >= 0);
        AssertClose(r, back);
        Assert.True(back.IsRotation());
    }

    [Fact]
    public void Quaternion_is_normalized_and_zero_is_rejected()
    {
        AssertClose(Rotation3D.AboutX(Math.PI / 2), Rotation3D.FromQuaternion(2, 2, 0, 0));
        var error = Assert.Throws<ArgumentException>(() => Rotation3D.FromQuaternion(0, 0, 0, 0));
        Assert.Contains("not a rotation", error.Message);
    }

    [Fact]
    public void Transpose_inverts_and_composition_applies_right_first()
    {
        var a = Rotation3D.FromAxisAngle(new Point3D(1, 2, 3), 0.7);
        var b = Rotation3D.AboutX(-1.1);
        var v = new Point3D(0.3, -2, 5);

        AssertClose(v, a.Transposed.Rotate(a.Rotate(v)));
        AssertClose(v, a.InverseRotate(a * v));
        AssertClose(a.Rotate(b.Rotate(v)), (a * b).Rotate(v));
    }

    [Fact]
    public void Rows_columns_and_determinant()
    {
        var r = Rotation3D.FromRowMajor([1, 2, 3, 4, 5, 6, 7, 8, 10]);

        Assert.Equal(new Point3D(4, 5, 6), r.Row(1));
        Assert.Equal(new Point3D(3, 6, 10), r.Column(2));
        Assert.Equal(-3, r.Determinant, Precision);
        Assert.False(r.IsRotation());
        Assert.Equal(r, Rotation3D.FromColumns(r.Column(0), r.Column(1), r.Column(2)));
        Assert.Throws<ArgumentException>(() => Rotation3D.FromRowMajor([1, 0, 0]));
    }

    [Fact]
    public void Reflection_is_not_a_rotation()
    {
        Assert.False(Rotation3D.FromRowMajor([-1, 0, 0, 0, 1, 0, 0, 0, 1]).IsRotation());
    }

    private static void AssertClose(Point3D expected, Point3D actual)
    {
        Assert.Equal(expected.X, actual.X, Precision);
        Assert.Equal(expected.Y, actual.Y, Precision);
        Assert.Equal(expected.Z, actual.Z, Precision);
    }

    private static void AssertClose(Rotation3D expected, Rotation3D actual)
    {
        var e = expected.ToRowMajor();
        var a = actual.ToRowMajor();
        for (var i = 0; i < 9; i++)
        {
            Assert.Equal(e[i], a[i], Precision);
        }
    }
}
