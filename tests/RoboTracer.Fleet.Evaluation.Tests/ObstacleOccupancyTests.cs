using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Vision;
using RoboTracer.Fleet.Vision.Spatial;

namespace RoboTracer.Fleet.Evaluation.Tests;

/// <summary>The obstacle grid of the 3D collision test and the collision ratios read from it.</summary>
public sealed class ObstacleOccupancyTests
{
    private const int W = SceneBuilder.Width;
    private const int H = SceneBuilder.Height;

    [Fact]
    public void A_plane_is_occupied_at_its_depth_and_not_in_front()
    {
        var grid = Grid(TsdfVolumeTests.Plane(1.0f), new bool[W * H]);
        var patch = Patch(z: 1.0);

        Assert.Equal(patch.Length, grid.CountOccupied(patch, Point3D.Zero));
        Assert.Equal(0, grid.CountOccupied(patch, new Point3D(0, 0, -0.05)));
        // One layer of voxels: every occupied voxel is in the grid's first z layer.
        Assert.Equal(0, grid.CountOccupied(patch, new Point3D(0, 0, 0.03)));
    }

    [Fact]
    public void The_object_s_own_pixels_are_not_obstacles()
    {
        var mask = new bool[W * H];
        for (var y = 12; y < 36; y++)
        {
            for (var x = 16; x < 48; x++)
            {
                mask[(y * W) + x] = true;
            }
        }

        var grid = Grid(TsdfVolumeTests.Plane(1.0f), mask);

        Assert.True(grid.Count > 0);
        Assert.Equal(0, grid.CountOccupied(Patch(z: 1.0), Point3D.Zero));
    }

    [Fact]
    public void Depth_at_or_beyond_5_m_is_dropped()
    {
        var grid = Grid(TsdfVolumeTests.Plane(5.0f), new bool[W * H]);

        Assert.Equal(0, grid.Count);
        Assert.Equal(0, grid.CountOccupied(Patch(z: 5.0), Point3D.Zero));
    }

    [Fact]
    public void The_origin_is_the_minimum_bound_less_half_a_voxel()
    {
        var grid = ObstacleOccupancy.FromSurfacePoints([new(0.1, 0.2, 1.0), new(0.2, 0.1, 1.1)], 0.02);

        Assert.Equal(0.09, grid.Origin.X, 12);
        Assert.Equal(0.09, grid.Origin.Y, 12);
        Assert.Equal(0.99, grid.Origin.Z, 12);
        Assert.True(grid.Contains(new VoxelKey(0, 5, 0)));
        Assert.True(grid.Contains(new VoxelKey(5, 0, 5)));
        Assert.Equal(2, grid.Count);
    }

    [Fact]
    public void The_ratio_counts_object_points_not_voxels()
    {
        var grid = ObstacleOccupancy.FromSurfacePoints([Point3D.Zero], 0.02);
        // Four of ten points share the one occupied voxel; six are far away.
        Point3D[] cloud = [.. Enumerable.Repeat(new Point3D(0.001, 0, 0), 4), .. Enumerable.Repeat(new Point3D(1, 1, 1), 6)];

        var ratios = SceneGeometry.CollisionRatios(grid, cloud, [new(5, 5, 5), new(5, 5, 5.5)]);

        Assert.Equal([0.4, 0.0], ratios);
    }

    [Fact]
    public void The_cloud_moves_with_the_trace_from_its_first_point()
    {
        var grid = ObstacleOccupancy.FromSurfacePoints([new(0.5, 0, 0)], 0.02);
        Point3D[] cloud = [Point3D.Zero, new(0, 0.001, 0)];

        var ratios = SceneGeometry.CollisionRatios(grid, cloud, [new(2, 0, 1), new(2.25, 0, 1), new(2.5, 0, 1), new(2.5, 0.5, 1)]);

        Assert.Equal([0.0, 0.0, 1.0, 0.0], ratios);
    }

    [Fact]
    public void Lookup_truncates_toward_zero_as_the_script_does()
    {
        var grid = ObstacleOccupancy.FromSurfacePoints([Point3D.Zero], 0.02);
        var origin = grid.Origin; // (-0.01, -0.01, -0.01)

        // Half a voxel below the origin on x: floor would give index -1; the script's astype(int) gives 0, a hit.
        Assert.Equal(1, grid.CountOccupied([new(origin.X - 0.01, 0, 0)], Point3D.Zero));
        Assert.Equal(0, grid.CountOccupied([new(origin.X - 0.03, 0, 0)], Point3D.Zero));
        Assert.Equal(0, grid.CountOccupied([new(double.NaN, 0, 0), new(1e30, 0, 0)], Point3D.Zero));
    }

    [Fact]
    public void No_surface_means_no_collision()
    {
        var grid = ObstacleOccupancy.FromSurfacePoints([], 0.02);

        Assert.Equal(0, grid.Count);
        Assert.Equal([0.0, 0.0], SceneGeometry.CollisionRatios(grid, [Point3D.Zero], [Point3D.Zero, new(0.1, 0, 0)]));
    }

    [Fact]
    public void Mismatched_sizes_are_refused_with_the_sizes()
    {
        var depth = new DepthImage(W, H, TsdfVolumeTests.Plane(1.0f));
        var mask = new MaskImage(W / 2, H, new bool[W / 2 * H]);

        var error = Assert.Throws<ArgumentException>(() => ObstacleOccupancy.FromBenchDepth(depth, mask, SceneBuilder.Intrinsics));

        Assert.Contains("mask 32x48", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ObstacleOccupancy.FromSurfacePoints([Point3D.Zero], -1));
    }

    private static ObstacleOccupancy Grid(float[] depth, bool[] mask) =>
        ObstacleOccupancy.FromBenchDepth(new DepthImage(W, H, depth), new MaskImage(W, H, mask), SceneBuilder.Intrinsics);

    /// <summary>Points over the image's middle (pixels 28–36 × 20–28) at depth z.</summary>
    private static Point3D[] Patch(double z) =>
        [.. Enumerable.Range(28, 8).SelectMany(u => Enumerable.Range(20, 8).Select(v => SceneBuilder.Intrinsics.BackProject(u, v, z)))];
}
