using System.Buffers.Binary;
using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision.Tests;

public sealed class DepthImageTests
{
    [Fact]
    public void Reads_16UC1_little_endian_millimetres()
    {
        // 1000 mm, 0 (no measurement), 1 mm, 65535 mm.
        byte[] data = [0xE8, 0x03, 0x00, 0x00, 0x01, 0x00, 0xFF, 0xFF];

        var depth = DepthImage.From16UC1(data, 2, 2);

        Assert.Equal([1.0f, 0f, 0.001f, 65.535f], depth.Metres.ToArray());
        Assert.Equal(3, depth.ValidCount);
        Assert.Equal(0.001f, depth[0, 1]);
    }

    [Fact]
    public void Raw_16UC1_can_drop_far_readings()
    {
        byte[] data = [0x98, 0x3A, 0x97, 0x3A]; // 15000 mm, 14999 mm

        var depth = DepthImage.From16UC1(data, 2, 1, maxValidDepthMetres: 15);

        Assert.Equal([0f, 14.999f], depth.Metres.ToArray());
    }

    [Fact]
    public void Reads_32FC1_metres_and_treats_invalid_values_as_missing()
    {
        float[] values = [1.25f, float.NaN, float.PositiveInfinity, 0f, -0.5f, float.NegativeInfinity];
        var data = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), values[i]);
        }

        var depth = DepthImage.From32FC1(data, 3, 2);

        Assert.Equal([1.25f, 0f, 0f, 0f, 0f, 0f], depth.Metres.ToArray());
        Assert.Equal(1, depth.ValidCount);
    }

    [Fact]
    public void Strict_32FC1_names_the_first_NaN_pixel()
    {
        var data = new byte[3 * 2 * 4];
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * 4), float.NaN);

        var error = Assert.Throws<ArgumentException>(() => DepthImage.From32FC1(data, 3, 2, NonFiniteDepth.Reject));

        Assert.Equal("depth pixel (1, 1) is NaN; depth must be finite and not negative", error.Message);
    }

    [Theory]
    [InlineData(2, 7, "16UC1 depth buffer has 7 bytes; 2x2 needs 8")]
    [InlineData(4, 15, "32FC1 depth buffer has 15 bytes; 2x2 needs 16")]
    public void Buffer_size_must_match_width_times_height(int bytesPerPixel, int length, string expected)
    {
        var data = new byte[length];

        var error = Assert.Throws<ArgumentException>(() => bytesPerPixel == 2 ? DepthImage.From16UC1(data, 2, 2) : DepthImage.From32FC1(data, 2, 2));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Non_positive_size_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => DepthImage.From16UC1([], 0, 3));

        Assert.Equal("16UC1 depth size 0x3 is invalid: width and height must be positive", error.Message);
    }

    [Fact]
    public void Bench_png_treats_zero_and_fifteen_metres_or_more_as_invalid()
    {
        ushort[] millimetres = [0, 14999, 15000, 40000, 850, 1];
        var png = ImageCodec.EncodePngGray16(millimetres, 3, 2);

        var depth = DepthImage.FromPng(png);

        Assert.Equal([0f, 14.999f, 0f, 0f, 0.85f, 0.001f], depth.Metres.ToArray());
        Assert.Equal(40f, DepthImage.FromPng(png, maxValidDepthMetres: 50)[0, 1]);
    }

    [Fact]
    public void Eight_bit_png_is_not_a_depth_image()
    {
        var png = ImageCodec.EncodePngGray8([1, 2], 2, 1);

        var error = Assert.Throws<ImageFormatException>(() => DepthImage.FromPng(png));

        Assert.Equal("a depth PNG must be 16-bit grayscale in millimetres; this one is 8-bit grayscale", error.Message);
    }

    [Fact]
    public void Writes_16UC1_rounded_and_zero_for_unrepresentable_depths()
    {
        var depth = new DepthImage(4, 1, [1.0004f, 0.0006f, 70f, 0f]);

        var data = depth.To16UC1();

        Assert.Equal([1000, 1, 0, 0], Enumerable.Range(0, 4).Select(i => (int)BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(2 * i))));
    }

    [Fact]
    public void Png_and_raw_encodings_round_trip_at_millimetre_resolution()
    {
        var metres = new float[31 * 17];
        var random = new Random(5);
        for (var i = 0; i < metres.Length; i++)
        {
            metres[i] = i % 11 == 0 ? 0 : (float)Math.Round(0.3 + (random.NextDouble() * 5), 3);
        }
        var depth = new DepthImage(31, 17, metres);

        Assert.Equal(metres, DepthImage.FromPng(depth.ToPng()).Metres.ToArray());
        Assert.Equal(metres, DepthImage.From16UC1(depth.To16UC1(), 31, 17).Metres.ToArray());
        Assert.Equal(metres, DepthImage.From32FC1(depth.To32FC1(), 31, 17).Metres.ToArray());
    }

    [Fact]
    public void Constructor_maps_invalid_values_to_missing()
    {
        var depth = new DepthImage(2, 2, [float.NaN, -1f, float.PositiveInfinity, 2f]);

        Assert.Equal([0f, 0f, 0f, 2f], depth.Metres.ToArray());
        Assert.Throws<ArgumentException>(() => new DepthImage(2, 2, [1f]));
    }

    [Fact]
    public void Nearest_sample_takes_the_nearest_pixel_centre()
    {
        var depth = new DepthImage(3, 2, [1f, 2f, 3f, 4f, 0f, 6f]);

        Assert.True(depth.TrySampleNearest(new Point2D(1.4, 0.2), out var d));
        Assert.Equal(2f, d);
        Assert.True(depth.TrySampleNearest(new Point2D(1.6, 0.2), out d));
        Assert.Equal(3f, d);
        Assert.True(depth.TrySampleNearest(new Point2D(2.9, 1.9), out d), "the last half pixel rounds onto the last column");
        Assert.Equal(6f, d);
        Assert.False(depth.TrySampleNearest(new Point2D(1, 1), out _), "no measurement there");
        Assert.False(depth.TrySampleNearest(new Point2D(3, 0), out _), "off the image");
        Assert.False(depth.TrySampleNearest(new Point2D(-0.1, 0), out _), "off the image");
    }

    [Fact]
    public void Median_ignores_holes_and_a_flying_pixel()
    {
        // 5x5 around (2, 2): mostly 1.0 m, three holes, one far outlier (a flying pixel at an edge).
        var metres = Enumerable.Repeat(1.0f, 25).ToArray();
        metres[12] = 9f;
        metres[0] = metres[6] = metres[18] = 0f;
        metres[1] = 0.98f;
        metres[2] = 1.02f;
        var depth = new DepthImage(5, 5, metres);

        Assert.True(depth.TrySampleMedian(new Point2D(2, 2), 2, out var d));
        Assert.Equal(1.0f, d);
        Assert.True(depth.TrySampleMedian(new Point2D(2, 2), 0, out d));
        Assert.Equal(9f, d);
    }

    [Fact]
    public void Median_of_an_even_count_is_the_lower_middle_measurement()
    {
        var depth = new DepthImage(2, 1, [1f, 3f]);

        Assert.True(depth.TrySampleMedian(new Point2D(0, 0), 1, out var d));
        Assert.Equal(1f, d);
    }

    [Fact]
    public void Median_window_without_measurements_fails()
    {
        var depth = new DepthImage(9, 9, new float[81]);

        Assert.False(depth.TrySampleMedian(new Point2D(4, 4), 3, out _));
    }

    [Fact]
    public void Lift_back_projects_through_the_point_with_the_median_depth()
    {
        var k = new CameraIntrinsics(100, 100, 2, 2, 5, 5);
        var depth = new DepthImage(5, 5, Enumerable.Repeat(2.0f, 25).ToArray());

        Assert.True(depth.TryLift(new Point2D(3.2, 1), k, out var p));

        Assert.Equal(0.024, p.X, 12);
        Assert.Equal(-0.02, p.Y, 12);
        Assert.Equal(2, p.Z, 12);
        Assert.Throws<ArgumentException>(() => depth.TryLift(new Point2D(1, 1), new CameraIntrinsics(100, 100, 2, 2, 6, 5), out _));
    }

    [Fact]
    public void Point_cloud_back_projects_measured_pixels_with_mask_and_stride()
    {
        var k = new CameraIntrinsics(2, 4, 1, 1, 4, 3);
        var metres = new float[12];
        metres[0] = 2f;   // (0, 0)
        metres[6] = 1f;   // (2, 1)
        metres[7] = 3f;   // (3, 1): not on the stride-2 grid
        metres[10] = 4f;  // (2, 2)
        var depth = new DepthImage(4, 3, metres);

        var all = depth.ToPointCloud(k);
        Assert.Equal([new Point3D(-1, -0.5, 2), new Point3D(0.5, 0, 1), new Point3D(3, 0, 3), new Point3D(2, 1, 4)], all);

        Assert.Equal([new Point3D(-1, -0.5, 2), new Point3D(2, 1, 4)], depth.ToPointCloud(k, stride: 2));

        var mask = new bool[12];
        mask[6] = mask[7] = mask[5] = true;
        Assert.Equal([new Point3D(0.5, 0, 1), new Point3D(3, 0, 3)], depth.ToPointCloud(k, new MaskImage(4, 3, mask)));
        foreach (var p in all)
        {
            var back = k.BackProject(k.Project(p), p.Z);
            Assert.Equal(p.X, back.X, 12);
            Assert.Equal(p.Y, back.Y, 12);
        }
    }

    [Fact]
    public void Point_cloud_needs_matching_intrinsics_and_mask()
    {
        var depth = new DepthImage(4, 3, new float[12]);

        var intrinsics = Assert.Throws<ArgumentException>(() => depth.ToPointCloud(new CameraIntrinsics(1, 1, 1, 1, 640, 480)));
        Assert.Equal("intrinsics are for 640x480 but the depth image is 4x3", intrinsics.Message);
        var mask = Assert.Throws<ArgumentException>(() => depth.ToPointCloud(new CameraIntrinsics(1, 1, 1, 1, 4, 3), new MaskImage(3, 3, new bool[9])));
        Assert.Equal("mask is 3x3 but the depth image is 4x3", mask.Message);
    }
}
