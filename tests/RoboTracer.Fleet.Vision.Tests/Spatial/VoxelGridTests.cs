using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Vision.Spatial;

namespace RoboTracer.Fleet.Vision.Tests.Spatial;

public sealed class VoxelGridTests
{
    private const double Voxel = 0.02;

    // A 1 m x 1 m wall facing the camera at z = 1.01, sampled every 5 mm: it fills voxel layer z ∈ [1.00, 1.02),
    // and x, y ∈ [-0.5, 0.52) (the voxels holding -0.5 and +0.5).
    private static readonly Point3D[] Wall = BuildWall();

    private static Point3D[] BuildWall()
    {
        var points = new List<Point3D>();
        for (var i = 0; i <= 200; i++)
        {
            for (var j = 0; j <= 200; j++)
            {
                points.Add(new Point3D(-0.5 + (i * 0.005), -0.5 + (j * 0.005), 1.01));
            }
        }
        return [.. points];
    }

    [Fact]
    public void Wall_occupies_one_layer_of_voxels()
    {
        var grid = VoxelGrid.FromPoints(Wall, Voxel);

        Assert.Equal(51 * 51, grid.Count);
        Assert.True(grid.Occupied(new Point3D(0.1, -0.2, 1.015)));
        Assert.False(grid.Occupied(new Point3D(0.1, -0.2, 0.99)));
        Assert.False(grid.Occupied(new Point3D(0.53, 0, 1.01)));
        Assert.Equal(new VoxelKey(5, -10, 50), grid.KeyOf(new Point3D(0.1, -0.2, 1.015)));
        Assert.Equal(new Point3D(0.11, -0.19, 1.01), grid.CenterOf(new VoxelKey(5, -10, 50)));
    }

    [Fact]
    public void Segment_through_the_wall_hits_it_from_either_side()
    {
        var grid = VoxelGrid.FromPoints(Wall, Voxel);

        Assert.True(grid.IntersectsSegment(new Point3D(0.1, 0.1, 0.5), new Point3D(0.1, 0.1, 1.5)));
        Assert.True(grid.IntersectsSegment(new Point3D(0.1, 0.1, 1.5), new Point3D(0.1, 0.1, 0.5)));
        Assert.True(grid.IntersectsSegment(new Point3D(-0.4, -0.3, 0.2), new Point3D(0.3, 0.45, 1.9)));
    }

    [Fact]
    public void Segment_that_stops_before_the_wall_does_not_hit_it()
    {
        var grid = VoxelGrid.FromPoints(Wall, Voxel);

        Assert.False(grid.IntersectsSegment(new Point3D(0, 0, 0.5), new Point3D(0, 0, 0.99)));
        Assert.True(grid.IntersectsSegment(new Point3D(0, 0, 0.5), new Point3D(0, 0, 1.005)), "the end voxel counts");
    }

    [Fact]
    public void Capsule_beside_the_wall_hits_only_when_its_radius_reaches_it()
    {
        var grid = VoxelGrid.FromPoints(Wall, Voxel);
        var start = new Point3D(0.6, 0, 0.5);
        var end = new Point3D(0.6, 0, 1.5);

        // The wall's voxels end at x = 0.52: 0.08 m from the segment.
        Assert.False(grid.IntersectsSegment(start, end));
        Assert.False(grid.IntersectsSegment(start, end, radius: 0.075));
        Assert.True(grid.IntersectsSegment(start, end, radius: 0.085));
    }

    [Fact]
    public void Capsule_parallel_to_the_wall_hits_when_inflated_into_it()
    {
        var grid = VoxelGrid.FromPoints(Wall, Voxel);
        var start = new Point3D(-0.3, 0, 0.95);
        var end = new Point3D(0.3, 0, 0.95);

        // The wall's voxels start at z = 1.00: 0.05 m in front of the segment.
        Assert.False(grid.IntersectsSegment(start, end));
        Assert.False(grid.IntersectsSegment(start, end, radius: 0.045));
        Assert.True(grid.IntersectsSegment(start, end, radius: 0.055));
        Assert.True(grid.IntersectsPath([new Point3D(-0.3, 0, 0.5), start, end], radius: 0.055));
        Assert.False(grid.IntersectsPath([new Point3D(-0.3, 0, 0.5), start, end], radius: 0.045));
    }

    [Fact]
    public void Removing_a_carried_objects_points_opens_a_hole()
    {
        var grid = VoxelGrid.FromPoints(Wall, Voxel);
        var patch = Wall.Where(p => p.X is >= -0.1 and < 0.1 && p.Y is >= -0.1 and < 0.1).ToArray();

        var removed = grid.RemovePoints(patch);

        Assert.Equal(100, removed);
        Assert.Equal((51 * 51) - 100, grid.Count);
        var start = new Point3D(0.01, 0.01, 0.5);
        var end = new Point3D(0.01, 0.01, 1.5);
        Assert.False(grid.IntersectsSegment(start, end));
        Assert.False(grid.IntersectsSegment(start, end, radius: 0.05), "the hole's edge is 0.09 m away");
        Assert.True(grid.IntersectsSegment(start, end, radius: 0.1));
    }

    [Fact]
    public void Dilated_removal_also_clears_neighbouring_voxels()
    {
        var grid = VoxelGrid.FromPoints(Wall, Voxel);

        Assert.Equal(9, grid.RemovePoints([new Point3D(0.001, 0.001, 1.01)], dilation: 1));
        Assert.False(grid.Occupied(new Point3D(0.021, -0.019, 1.01)));
        Assert.True(grid.Occupied(new Point3D(0.041, 0, 1.01)));
    }

    [Fact]
    public void Remove_inside_a_box_clears_the_voxels_whose_centres_it_holds()
    {
        var grid = VoxelGrid.FromPoints(Wall, Voxel);
        var box = new OrientedBox3D(new Point3D(0, 0, 1.01), new Point3D(0.09, 0.09, 0.09), Rotation3D.Identity);

        var removed = grid.RemoveInside(box);

        // Centres at ±0.01 and ±0.03 per axis lie within [-0.045, 0.045]: 4 x 4 voxels of the one layer.
        Assert.Equal(16, removed);
        Assert.False(grid.Occupied(new Point3D(0, 0, 1.01)));
    }

    [Fact]
    public void Object_points_moved_into_the_wall_count_as_occupied()
    {
        var grid = VoxelGrid.FromPoints(Wall, Voxel);
        var cube = Enumerable.Range(0, 10).Select(i => new Point3D(i * 0.01, 0, 0.8)).ToArray();

        Assert.Equal(0, grid.CountOccupied(cube, Point3D.Zero));
        Assert.Equal(10, grid.CountOccupied(cube, new Point3D(0, 0, 0.21)));
        Assert.Equal(0, grid.CountOccupied(cube, new Point3D(1, 0, 0.21)));
    }

    [Fact]
    public void Grid_from_a_flat_depth_image_is_a_wall_and_thickness_extends_it_behind()
    {
        // 5 mm between neighbouring pixels' points at 1 m, well under the voxel, so the wall has no gaps.
        var k = new CameraIntrinsics(200, 200, 31.5, 23.5, 64, 48);
        var depth = new DepthImage(64, 48, Enumerable.Repeat(1.01f, 64 * 48).ToArray());

        var shell = VoxelGrid.FromDepth(depth, k, Voxel);
        var solid = VoxelGrid.FromDepth(depth, k, Voxel, thickness: 0.05);

        Assert.True(shell.Occupied(new Point3D(0, 0, 1.01)));
        Assert.False(shell.Occupied(new Point3D(0, 0, 1.05)));
        Assert.True(solid.Occupied(new Point3D(0, 0, 1.05)));
        Assert.False(solid.Occupied(new Point3D(0, 0, 1.07)));
        Assert.True(shell.IntersectsSegment(new Point3D(0, 0, 0.2), new Point3D(0.05, 0.05, 2)));
        Assert.True(VoxelGrid.FromDepth(depth, k, Voxel, stride: 8).Count < shell.Count);
    }

    [Fact]
    public void Clone_is_independent()
    {
        var grid = VoxelGrid.FromPoints(Wall, Voxel);

        var copy = grid.Clone();
        copy.RemovePoints(Wall);

        Assert.Equal(0, copy.Count);
        Assert.Equal(51 * 51, grid.Count);
    }

    [Fact]
    public void Voxel_traversal_agrees_with_a_brute_force_slab_test()
    {
        var random = new Random(12);
        var grid = new VoxelGrid(0.1);
        for (var i = 0; i < 150; i++)
        {
            grid.Add(new VoxelKey(random.Next(-5, 5), random.Next(-5, 5), random.Next(-5, 5)));
        }

        for (var i = 0; i < 500; i++)
        {
            var a = PointCloudTests.RandomIn(random, Point3D.Zero, 0.6);
            var b = PointCloudTests.RandomIn(random, Point3D.Zero, 0.6);
            var expected = grid.Keys.Any(key => SegmentTouchesBox(a, b, grid.BoundsOf(key)));

            Assert.Equal(expected, grid.IntersectsSegment(a, b));
        }
    }

    [Fact]
    public void Capsule_sweep_agrees_with_densely_sampled_distances()
    {
        var random = new Random(13);
        var grid = new VoxelGrid(0.05);
        for (var i = 0; i < 60; i++)
        {
            grid.Add(new VoxelKey(random.Next(-6, 6), random.Next(-6, 6), random.Next(-6, 6)));
        }

        var checkedCases = 0;
        for (var i = 0; i < 300; i++)
        {
            var a = PointCloudTests.RandomIn(random, Point3D.Zero, 0.4);
            var b = PointCloudTests.RandomIn(random, Point3D.Zero, 0.4);
            var radius = 0.01 + (random.NextDouble() * 0.06);
            var distance = grid.Keys.Min(key => SampledDistance(a, b, grid.BoundsOf(key)));
            // Skip cases within sampling error (≤ 0.7 mm) of the boundary; the rest must agree.
            if (Math.Abs(distance - radius) < 1e-3)
            {
                continue;
            }
            checkedCases++;

            Assert.Equal(distance < radius, grid.IntersectsSegment(a, b, radius));
        }
        Assert.True(checkedCases > 250);
    }

    [Fact]
    public void Empty_grid_and_invalid_queries()
    {
        var grid = new VoxelGrid(Voxel);

        Assert.False(grid.IntersectsSegment(Point3D.Zero, new Point3D(1, 1, 1), 0.5));
        Assert.False(grid.Add(new Point3D(double.NaN, 0, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => grid.IntersectsSegment(Point3D.Zero, Point3D.Zero, -1));
        Assert.Throws<ArgumentException>(() => grid.IntersectsSegment(new Point3D(double.NaN, 0, 0), Point3D.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VoxelGrid(0));
    }

    /// <summary>Segment against a closed box by clipping the segment to each slab (independent of the grid's traversal).</summary>
    private static bool SegmentTouchesBox(Point3D a, Point3D b, AxisAlignedBox3D box)
    {
        double t0 = 0, t1 = 1;
        var d = b - a;
        foreach (var (origin, direction, min, max) in new[]
        {
            (a.X, d.X, box.Min.X, box.Max.X), (a.Y, d.Y, box.Min.Y, box.Max.Y), (a.Z, d.Z, box.Min.Z, box.Max.Z),
        })
        {
            if (direction == 0)
            {
                if (origin < min || origin > max)
                {
                    return false;
                }
                continue;
            }
            var near = (min - origin) / direction;
            var far = (max - origin) / direction;
            if (near > far)
            {
                (near, far) = (far, near);
            }
            t0 = Math.Max(t0, near);
            t1 = Math.Min(t1, far);
            if (t0 > t1)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The segment-to-box distance from 1000 samples along the segment: at most half a sample spacing too large.</summary>
    private static double SampledDistance(Point3D a, Point3D b, AxisAlignedBox3D box)
    {
        // Boxes far beyond any radius in the test (≤ 0.07 m) only need to be known as far.
        var d = b - a;
        var t = d.LengthSquared == 0 ? 0 : Math.Clamp((box.Center - a).Dot(d) / d.LengthSquared, 0, 1);
        if (box.Center.DistanceTo(a + (d * t)) - (box.Size.Length / 2) > 0.1)
        {
            return double.PositiveInfinity;
        }
        var best = double.PositiveInfinity;
        for (var i = 0; i <= 1000; i++)
        {
            best = Math.Min(best, box.DistanceTo(Point3D.Lerp(a, b, i / 1000.0)));
        }
        return best;
    }
}
