using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Vision.Spatial;

namespace RoboTracer.Fleet.Vision.Tests.Spatial;

public sealed class PointCloudTests
{
    [Fact]
    public void Voxel_downsample_averages_each_voxel_in_first_seen_order()
    {
        Point3D[] points = [new(0, 0, 0), new(1, 1, 1), new(0.01, 0, 0.02), new(1.02, 1, 1)];

        var result = PointCloud.VoxelDownsample(points, 0.1);

        Assert.Equal(2, result.Length);
        AssertClose(new Point3D(0.005, 0, 0.01), result[0]);
        AssertClose(new Point3D(1.01, 1, 1), result[1]);
    }

    [Fact]
    public void Voxel_downsample_aligns_voxels_to_the_minimum_bound_minus_half_a_voxel()
    {
        // With voxels from the origin, 0 and 0.06 would share [0, 0.1); Open3D's grid starts at -0.05, so the
        // voxels are [-0.05, 0.05) and [0.05, 0.15).
        Point3D[] points = [new(0, 0, 0), new(0.06, 0, 0)];

        Assert.Equal(2, PointCloud.VoxelDownsample(points, 0.1).Length);
        Assert.Single(PointCloud.VoxelDownsample([new(0.06, 0, 0), new(0.1, 0, 0)], 0.1));
        Assert.Empty(PointCloud.VoxelDownsample([], 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PointCloud.VoxelDownsample(points, 0));
    }

    [Fact]
    public void Statistical_outlier_removal_drops_far_points_and_matches_Open3D()
    {
        var random = new Random(3);
        var points = Enumerable.Range(0, 300).Select(_ => RandomIn(random, new Point3D(0, 0, 1), 0.1)).ToList();
        var outliers = new[] { 40, 77, 150, 210, 299 };
        foreach (var i in outliers)
        {
            points[i] = RandomIn(random, new Point3D(1, 1, 2), 0.5);
        }
        var cloud = points.ToArray();

        var inliers = PointCloud.FindStatisticalInliers(cloud, 20, 2.0);

        Assert.Equal(Open3DReference.StatisticalInliers(cloud, 20, 2.0), inliers);
        Assert.All(outliers, i => Assert.DoesNotContain(i, inliers));
        Assert.True(inliers.Length > 250);
        Assert.Equal(PointCloud.Select(cloud, inliers), PointCloud.RemoveStatisticalOutliers(cloud, 20, 2.0));
    }

    [Fact]
    public void Statistical_outlier_removal_keeps_Open3D_quirks_for_duplicates_and_one_neighbour()
    {
        var random = new Random(4);
        var cloud = Enumerable.Range(0, 60).Select(_ => RandomIn(random, Point3D.Zero, 0.2)).ToList();
        // Five copies of one point: with 4 neighbours each sees only copies, a mean of 0, and is dropped.
        cloud.AddRange(Enumerable.Repeat(new Point3D(0.5, 0.5, 0.5), 5));
        var points = cloud.ToArray();

        var inliers = PointCloud.FindStatisticalInliers(points, 4, 1.0);

        Assert.Equal(Open3DReference.StatisticalInliers(points, 4, 1.0), inliers);
        Assert.DoesNotContain(62, inliers);
        // One neighbour is the point itself: every mean is 0, so Open3D keeps nothing.
        Assert.Empty(PointCloud.FindStatisticalInliers(points, 1, 2.0));
        // More neighbours than points: each uses all of them.
        Assert.Equal(Open3DReference.StatisticalInliers(points[..10], 50, 0.5), PointCloud.FindStatisticalInliers(points[..10], 50, 0.5));
    }

    [Fact]
    public void Statistical_outlier_removal_rejects_what_Open3D_rejects()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PointCloud.FindStatisticalInliers([Point3D.Zero], 0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => PointCloud.FindStatisticalInliers([Point3D.Zero], 5, 0));
        Assert.Empty(PointCloud.FindStatisticalInliers([], 5, 2));
    }

    [Fact]
    public void Dbscan_finds_separated_clusters_and_noise_like_Open3D()
    {
        var random = new Random(5);
        var points = new List<Point3D>();
        Point3D[] centres = [new(0, 0, 1), new(0.5, 0, 1), new(0, 0.5, 1.3)];
        for (var i = 0; i < 240; i++)
        {
            points.Add(RandomIn(random, centres[i % 3], 0.05));
        }
        for (var i = 0; i < 15; i++)
        {
            points.Add(RandomIn(random, new Point3D(2, 2, 2), 1.5));
        }
        var cloud = points.ToArray();

        var labels = PointCloud.ClusterDbscan(cloud, 0.04, 8);

        Assert.Equal(Open3DReference.Dbscan(cloud, 0.04, 8), labels);
        // Each cube is one cluster (a few of its corner points may be noise), and no two cubes share one.
        var clusterOfCube = Enumerable.Range(0, 3)
            .Select(c => Assert.Single(labels[..240].Where((l, i) => i % 3 == c && l >= 0).Distinct()))
            .ToArray();
        Assert.Equal(3, clusterOfCube.Distinct().Count());
        Assert.All(labels[240..], l => Assert.Equal(PointCloud.Noise, l));
    }

    [Fact]
    public void Dbscan_matches_Open3D_on_touching_clusters_with_border_points()
    {
        var random = new Random(6);
        var cloud = Enumerable.Range(0, 400).Select(_ => RandomIn(random, new Point3D(0, 0, 1), 0.15)).ToArray();

        foreach (var (eps, minPoints) in new[] { (0.02, 3), (0.03, 6), (0.04, 12), (0.05, 0) })
        {
            Assert.Equal(Open3DReference.Dbscan(cloud, eps, minPoints), PointCloud.ClusterDbscan(cloud, eps, minPoints));
        }
    }

    [Fact]
    public void Dbscan_neighbours_are_strictly_closer_than_eps_and_include_the_point_itself()
    {
        Point3D[] pair = [new(0, 0, 0), new(0.5, 0, 0)];

        Assert.Equal([-1, -1], PointCloud.ClusterDbscan(pair, 0.5, 2));
        Assert.Equal([0, 0], PointCloud.ClusterDbscan(pair, 0.5000001, 2));
        Assert.Equal([0, 1], PointCloud.ClusterDbscan(pair, 0.5, 1));
        Assert.Empty(PointCloud.ClusterDbscan([], 0.5, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PointCloud.ClusterDbscan(pair, 0, 1));
    }

    [Fact]
    public void Largest_cluster_returns_the_biggest_clusters_points()
    {
        var random = new Random(7);
        var points = new List<Point3D>();
        points.AddRange(Enumerable.Range(0, 50).Select(_ => RandomIn(random, new Point3D(0, 0, 1), 0.03)));
        var big = Enumerable.Range(0, 120).Select(_ => RandomIn(random, new Point3D(0.4, 0, 1), 0.03)).ToArray();
        points.AddRange(big);
        points.AddRange(Enumerable.Range(0, 80).Select(_ => RandomIn(random, new Point3D(0, 0.4, 1), 0.03)));
        points.Add(new Point3D(5, 5, 5));

        var largest = PointCloud.LargestCluster(points.ToArray(), 0.02, 5);

        Assert.Equal(big, largest);
        Assert.Empty(PointCloud.LargestCluster([new(0, 0, 0), new(1, 1, 1)], 0.1, 2));
    }

    [Fact]
    public void Nearest_distance_and_centroid()
    {
        Point3D[] cloud = [new(0, 0, 1), new(3, 4, 1), new(-1, 0, 1)];

        Assert.Equal(5, PointCloud.NearestDistance(new Point3D(6, 8, 1), cloud), 12);
        Assert.Equal(0, PointCloud.NearestDistance(new Point3D(-1, 0, 1), cloud));
        Assert.Equal(double.PositiveInfinity, PointCloud.NearestDistance(Point3D.Zero, []));
        Assert.Equal(new Point3D(2.0 / 3, 4.0 / 3, 1), PointCloud.Centroid(cloud));
    }

    [Fact]
    public void Index_k_nearest_and_radius_search_match_brute_force()
    {
        var random = new Random(8);
        var cloud = Enumerable.Range(0, 500).Select(_ => RandomIn(random, new Point3D(0, 0, 1), 0.3)).ToArray();
        var index = new PointCloudIndex(cloud, PointCloudIndex.SuggestCellSize(cloud));
        var neighbours = new int[7];
        var squared = new double[7];
        var results = new List<int>();

        for (var q = 0; q < 100; q++)
        {
            // A third of the queries are far from the data, which takes the brute-force fallback.
            var query = q % 3 == 0 ? RandomIn(random, new Point3D(3, -2, 4), 2) : RandomIn(random, new Point3D(0, 0, 1), 0.35);
            var expected = cloud.Select(p => p.DistanceSquaredTo(query)).Order().Take(7).ToArray();

            Assert.Equal(7, index.KNearest(query, neighbours, squared));

            Assert.Equal(expected, squared);
            Assert.All(Enumerable.Range(0, 7), i => Assert.Equal(squared[i], cloud[neighbours[i]].DistanceSquaredTo(query)));
            var nearest = index.Nearest(query, out var distance);
            Assert.Equal(Math.Sqrt(expected[0]), distance);
            Assert.Equal(cloud[nearest].DistanceSquaredTo(query), expected[0]);

            results.Clear();
            index.RadiusSearch(query, 0.08, results);
            var within = Enumerable.Range(0, cloud.Length).Where(i => cloud[i].DistanceSquaredTo(query) < 0.08 * 0.08).ToArray();
            Assert.Equal(within, results.Order());
            Assert.Equal(within.Length, index.CountWithin(query, 0.08));
        }
    }

    [Fact]
    public void Index_returns_fewer_neighbours_than_asked_when_it_holds_fewer()
    {
        var index = new PointCloudIndex([new Point3D(0, 0, 0), new Point3D(1, 0, 0)], 0.1);
        var neighbours = new int[5];
        var squared = new double[5];

        Assert.Equal(2, index.KNearest(new Point3D(0.9, 0, 0), neighbours, squared));
        Assert.Equal([1, 0], neighbours[..2]);
        Assert.Equal(-1, new PointCloudIndex([], 1).Nearest(Point3D.Zero, out var none));
        Assert.Equal(double.PositiveInfinity, none);
        Assert.Throws<ArgumentException>(() => new PointCloudIndex([new Point3D(double.NaN, 0, 0)], 1));
    }

    internal static Point3D RandomIn(Random random, Point3D centre, double halfSize) => centre + new Point3D(
        ((2 * random.NextDouble()) - 1) * halfSize,
        ((2 * random.NextDouble()) - 1) * halfSize,
        ((2 * random.NextDouble()) - 1) * halfSize);

    private static void AssertClose(Point3D expected, Point3D actual)
    {
        Assert.Equal(expected.X, actual.X, 12);
        Assert.Equal(expected.Y, actual.Y, 12);
        Assert.Equal(expected.Z, actual.Z, 12);
    }
}
