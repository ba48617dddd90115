using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision.Tests;

public sealed class CameraIntrinsicsTests
{
    private static readonly CameraIntrinsics Camera = new(fx: 500, fy: 400, cx: 320, cy: 240, width: 640, height: 480);

    [Fact]
    public void Project_matches_hand_computation()
    {
        // u = 500 · 0.2 / 2 + 320 = 370; v = 400 · (−0.1) / 2 + 240 = 220.
        var pixel = Camera.Project(new Point3D(0.2, -0.1, 2));

        Assert.Equal(new Point2D(370, 220), pixel);
    }

    [Fact]
    public void BackProject_matches_hand_computation()
    {
        // X = (370 − 320) · 2 / 500 = 0.2; Y = (220 − 240) · 2 / 400 = −0.1; Z = 2.
        var point = Camera.BackProject(370, 220, 2);

        Assert.Equal(new Point3D(0.2, -0.1, 2), point);
    }

    [Fact]
    public void Principal_point_back_projects_onto_the_optical_axis()
    {
        Assert.Equal(new Point3D(0, 0, 1.5), Camera.BackProject(new Point2D(320, 240), 1.5));
    }

    [Fact]
    public void Projection_and_back_projection_round_trip()
    {
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var p = new Point3D(random.NextDouble() - 0.5, random.NextDouble() - 0.5, 0.2 + (3 * random.NextDouble()));

            var back = Camera.BackProject(Camera.Project(p), p.Z);

            Assert.Equal(p.X, back.X, 12);
            Assert.Equal(p.Y, back.Y, 12);
            Assert.Equal(p.Z, back.Z, 12);
        }
    }

    [Theory]
    [InlineData(0, 0, 0.0)]
    [InlineData(0, 0, -1.0)]
    [InlineData(0, double.NaN, 1.0)]
    public void Points_at_or_behind_the_camera_do_not_project(double x, double y, double z)
    {
        Assert.False(Camera.TryProject(new Point3D(x, y, z), out _));
        Assert.Throws<ArgumentException>(() => Camera.Project(new Point3D(x, y, z)));
    }

    [Theory]
    [InlineData(double.NaN, "depth is NaN")]
    [InlineData(0.0, "depth is 0")]
    [InlineData(-2.0, "depth is -2")]
    [InlineData(double.PositiveInfinity, "depth is Infinity")]
    public void BackProject_rejects_invalid_depth(double depth, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => Camera.BackProject(10, 20, depth));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Reads_a_flattened_3x3_matrix()
    {
        var k = CameraIntrinsics.FromMatrix([525.0, 0, 319.5, 0, 520.5, 239.5, 0, 0, 1], 640, 480);

        Assert.Equal(new CameraIntrinsics(525, 520.5, 319.5, 239.5, 640, 480), k);
    }

    [Fact]
    public void Reads_a_4x4_matrix_given_as_json_rows()
    {
        double[][] rows = [[600, 0, 330, 0], [0, 610, 250, 0], [0, 0, 1, 0], [0, 0, 0, 1]];

        var k = CameraIntrinsics.FromMatrix(rows, 640, 480);

        Assert.Equal(new CameraIntrinsics(600, 610, 330, 250, 640, 480), k);
        Assert.Equal(k, CameraIntrinsics.FromMatrix([600.0, 0, 330, 0, 0, 610, 250, 0, 0, 0, 1, 0, 0, 0, 0, 1], 640, 480));
    }

    [Fact]
    public void Matrix_round_trips_through_ToMatrix()
    {
        Assert.Equal(Camera, CameraIntrinsics.FromMatrix(Camera.ToMatrix(), 640, 480));
    }

    [Fact]
    public void Rejects_a_transposed_matrix()
    {
        var error = Assert.Throws<ArgumentException>(() => CameraIntrinsics.FromMatrix([525.0, 0, 0, 0, 525, 0, 319.5, 239.5, 1], 640, 480));

        Assert.Equal("intrinsics matrix row 3 is [319.5, 239.5, 1]; expected [0, 0, 1] (is the matrix transposed?)", error.Message);
    }

    [Fact]
    public void Rejects_matrices_of_the_wrong_shape()
    {
        var flat = Assert.Throws<ArgumentException>(() => CameraIntrinsics.FromMatrix([1.0, 2, 3, 4], 640, 480));
        Assert.Equal("intrinsics matrix has 4 entries; expected 9 (3x3) or 16 (4x4)", flat.Message);

        var rows = Assert.Throws<ArgumentException>(() => CameraIntrinsics.FromMatrix(new[] { new double[] { 1, 0, 2 }, [0, 1, 2] }, 640, 480));
        Assert.Equal("intrinsics matrix has 2 rows; expected 3 (3x3) or 4 (4x4)", rows.Message);

        var ragged = Assert.Throws<ArgumentException>(() => CameraIntrinsics.FromMatrix(new[] { new double[] { 1, 0, 2 }, [0, 1], [0, 0, 1] }, 640, 480));
        Assert.Equal("intrinsics matrix row 2 has 2 entries; expected 3 (3x3)", ragged.Message);
    }

    [Theory]
    [InlineData(0.0, 500.0, 320.0, 240.0, 640, 480, "singular intrinsics: fx is 0")]
    [InlineData(500.0, 0.0, 320.0, 240.0, 640, 480, "singular intrinsics: fy is 0")]
    [InlineData(-500.0, 500.0, 320.0, 240.0, 640, 480, "invalid intrinsics: fx is -500 (must be positive)")]
    [InlineData(500.0, double.NaN, 320.0, 240.0, 640, 480, "invalid intrinsics: fy is NaN (must be finite)")]
    [InlineData(double.PositiveInfinity, 500.0, 320.0, 240.0, 640, 480, "invalid intrinsics: fx is Infinity (must be finite)")]
    [InlineData(500.0, 500.0, double.NaN, 240.0, 640, 480, "invalid intrinsics: cx is NaN (must be finite)")]
    [InlineData(500.0, 500.0, 320.0, double.NegativeInfinity, 640, 480, "invalid intrinsics: cy is -Infinity (must be finite)")]
    [InlineData(500.0, 500.0, 320.0, 240.0, 0, 480, "invalid intrinsics: width is 0 (must be positive)")]
    [InlineData(500.0, 500.0, 320.0, 240.0, 640, -1, "invalid intrinsics: height is -1 (must be positive)")]
    public void Each_invalid_value_has_a_precise_message(double fx, double fy, double cx, double cy, int width, int height, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => new CameraIntrinsics(fx, fy, cx, cy, width, height));

        Assert.Equal(expected, error.Message);
        Assert.Equal(expected, CameraIntrinsics.Validate(fx, fy, cx, cy, width, height));
    }

    [Fact]
    public void Matrix_with_zero_focal_length_is_singular()
    {
        var error = Assert.Throws<ArgumentException>(() => CameraIntrinsics.FromMatrix([0.0, 0, 320, 0, 500, 240, 0, 0, 1], 640, 480));

        Assert.Equal("singular intrinsics: fx is 0", error.Message);
    }

    [Fact]
    public void Normalized_coordinates_scale_by_image_size()
    {
        Assert.Equal(new Point2D(500, 250), Camera.ToNormalized(new Point2D(320, 120)));
        Assert.Equal(new Point2D(64, 480), Camera.FromNormalized(new Point2D(100, 1000)));
        Assert.Equal(new Point2D(1000, 0), NormalizedCoordinates.FromPixel(new Point2D(640, 0), 640, 480));
        var p = new Point2D(123.25, 456.5);
        var back = Camera.FromNormalized(Camera.ToNormalized(p));
        Assert.Equal(p.X, back.X, 12);
        Assert.Equal(p.Y, back.Y, 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => NormalizedCoordinates.ToPixel(p, 0, 480));
    }

    [Fact]
    public void Contains_covers_zero_to_size_exclusive()
    {
        Assert.True(Camera.Contains(new Point2D(0, 0)));
        Assert.True(Camera.Contains(new Point2D(639.9, 479.9)));
        Assert.False(Camera.Contains(new Point2D(640, 10)));
        Assert.False(Camera.Contains(new Point2D(-0.1, 10)));
        Assert.False(Camera.Contains(new Point2D(double.NaN, 10)));
    }
}
