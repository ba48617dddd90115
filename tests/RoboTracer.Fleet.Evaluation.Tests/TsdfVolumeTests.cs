using RoboTracer.Fleet.Vision.Spatial;

namespace RoboTracer.Fleet.Evaluation.Tests;

/// <summary>
/// The TSDF fusion behind the 3D collision test, on planes seen by SceneBuilder's 64x48 camera (f = 200 px). With
/// 2 cm voxels, voxel k along z has its centre at (k + 0.5) · 0.02 m: k = 49 → 0.99 m, k = 50 → 1.01 m.
/// </summary>
public sealed class TsdfVolumeTests
{
    private const double Voxel = 0.02;
    private const double Truncation = 4 * Voxel;

    [Theory]
    [InlineData(49, 0.125)] // 1 cm in front of the plane: +0.01 / 0.08
    [InlineData(50, -0.125)] // 1 cm behind
    [InlineData(52, -0.625)] // 5 cm behind
    [InlineData(53, -0.875)] // 7 cm behind: still within the 8 cm truncation
    [InlineData(45, 1.0)] // 9 cm in front: clamped to 1
    public void Voxels_near_a_plane_hold_the_signed_distance_in_truncation_units(int k, double expected)
    {
        var volume = Fused(Plane(1.0f));

        Assert.True(volume.TryGetDistance(new VoxelKey(0, 0, k), out var tsdf));
        Assert.Equal(expected, tsdf, 3);
    }

    [Theory]
    [InlineData(54)] // 9 cm behind the surface
    [InlineData(60)]
    public void Voxels_beyond_the_truncation_behind_the_surface_stay_unseen(int k)
    {
        var volume = Fused(Plane(1.0f));

        Assert.False(volume.TryGetDistance(new VoxelKey(0, 0, k), out _));
    }

    [Fact]
    public void Only_blocks_near_the_measured_surface_are_allocated()
    {
        var volume = Fused(Plane(1.0f));

        // 0.21 m is free space in front of the plane, but its block (16 voxels: 0–0.32 m) holds no surface.
        Assert.False(volume.TryGetDistance(new VoxelKey(0, 0, 10), out _));
        Assert.True(volume.BlockCount > 0);
    }

    [Fact]
    public void A_plane_gives_surface_points_at_its_depth()
    {
        var points = Fused(Plane(1.0f)).ExtractSurfacePoints();

        Assert.NotEmpty(points);
        Assert.All(points, p => Assert.InRange(p.Z, 0.998, 1.002));
        // The whole view is covered: at 1 m the 64 px wide image spans x from -0.16 to +0.16 m.
        Assert.True(points.Min(p => p.X) < -0.14 && points.Max(p => p.X) > 0.14, $"x from {points.Min(p => p.X)} to {points.Max(p => p.X)}");
    }

    [Fact]
    public void A_depth_step_gives_no_surface_across_the_discontinuity()
    {
        var depth = Plane(1.0f);
        for (var i = 0; i < depth.Length; i++)
        {
            depth[i] = i % SceneBuilder.Width < SceneBuilder.Width / 2 ? 1.0f : 1.5f;
        }

        var points = Fused(depth).ExtractSurfacePoints();

        Assert.Contains(points, p => Math.Abs(p.Z - 1.0) < 0.01);
        Assert.Contains(points, p => Math.Abs(p.Z - 1.5) < 0.01);
        Assert.DoesNotContain(points, p => p.Z > 1.1 && p.Z < 1.4);
    }

    [Fact]
    public void Pixels_without_depth_add_nothing()
    {
        var volume = Fused(new float[SceneBuilder.Width * SceneBuilder.Height]);

        Assert.Equal(0, volume.BlockCount);
        Assert.Empty(volume.ExtractSurfacePoints());
    }

    [Fact]
    public void Bad_sizes_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TsdfVolume(0, Truncation));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TsdfVolume(Voxel, double.NaN));
        var volume = new TsdfVolume(Voxel, Truncation);
        var error = Assert.Throws<ArgumentException>(() => volume.Integrate(new float[10], SceneBuilder.Intrinsics));
        Assert.Contains("64x48", error.Message, StringComparison.Ordinal);
    }

    internal static float[] Plane(float depth) => Enumerable.Repeat(depth, SceneBuilder.Width * SceneBuilder.Height).ToArray();

    private static TsdfVolume Fused(float[] depth)
    {
        var volume = new TsdfVolume(Voxel, Truncation);
        volume.Integrate(depth, SceneBuilder.Intrinsics);
        return volume;
    }
}
