using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision.Spatial;

/// <summary>
/// Point-cloud operations with the definitions of Open3D's PointCloud (which TraceSpatial-Bench's scoring uses):
/// <c>voxel_down_sample</c>, <c>remove_statistical_outlier</c>, <c>cluster_dbscan</c>. Neighbour search is a voxel
/// hash (<see cref="PointCloudIndex"/>) rather than a k-d tree; results are the same, since both are exact.
/// Points are camera-frame metres; every method leaves its input untouched.
/// </summary>
public static class PointCloud
{
    /// <summary>The DBSCAN label of a point that belongs to no cluster.</summary>
    public const int Noise = -1;

    /// <summary>
    /// Open3D's <c>voxel_down_sample</c>: one point per occupied voxel, the centroid of the points in it. Voxels
    /// are aligned to the cloud's minimum bound minus half a voxel, as Open3D aligns them, so the same points
    /// share a voxel. Output order is the order in which voxels are first met (Open3D's is unspecified).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The voxel size is not positive and finite.</exception>
    public static Point3D[] VoxelDownsample(ReadOnlySpan<Point3D> points, double voxelSize)
    {
        if (!(voxelSize > 0) || !double.IsFinite(voxelSize))
        {
            throw new ArgumentOutOfRangeException(nameof(voxelSize), voxelSize, "voxel size must be positive and finite");
        }
        if (points.IsEmpty)
        {
            return [];
        }
        var origin = AxisAlignedBox3D.FromPoints(points).Min - new Point3D(voxelSize / 2, voxelSize / 2, voxelSize / 2);
        var slots = new Dictionary<VoxelKey, int>();
        var sums = new List<(Point3D Sum, int Count)>();
        foreach (var p in points)
        {
            var key = VoxelKey.Of(p, voxelSize, origin);
            if (slots.TryGetValue(key, out var slot))
            {
                var (sum, count) = sums[slot];
                sums[slot] = (sum + p, count + 1);
            }
            else
            {
                slots[key] = sums.Count;
                sums.Add((p, 1));
            }
        }
        var result = new Point3D[sums.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = sums[i].Sum / sums[i].Count;
        }
        return result;
    }

    /// <summary>
    /// The indices of the points Open3D's <c>remove_statistical_outlier(nb_neighbors, std_ratio)</c> keeps, ascending.
    /// For each point, the mean distance to its <paramref name="nbNeighbors"/> nearest points (itself included, so
    /// one of them is 0; fewer when the cloud is smaller); a point is kept when that mean is positive and below
    /// mean + <paramref name="stdRatio"/> · std of the means. As in Open3D, the mean and the (Bessel-corrected)
    /// std sum only the positive means but divide by the number of all points, and a point whose neighbours all
    /// coincide with it (mean 0) is dropped.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nbNeighbors"/> &lt; 1 or <paramref name="stdRatio"/> ≤ 0 (Open3D rejects them too).</exception>
    public static int[] FindStatisticalInliers(ReadOnlySpan<Point3D> points, int nbNeighbors, double stdRatio)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nbNeighbors, 1);
        if (!(stdRatio > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(stdRatio), stdRatio, "std ratio must be positive");
        }
        if (points.IsEmpty)
        {
            return [];
        }
        var index = new PointCloudIndex(points, PointCloudIndex.SuggestCellSize(points, Math.Max(4, nbNeighbors)));
        var k = Math.Min(nbNeighbors, points.Length);
        var neighbours = new int[k];
        var squared = new double[k];
        var averages = new double[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            var found = index.KNearest(points[i], neighbours, squared);
            double sum = 0;
            for (var j = 0; j < found; j++)
            {
                sum += Math.Sqrt(squared[j]);
            }
            averages[i] = sum / found;
        }
        var valid = points.Length;
        double mean = 0;
        foreach (var a in averages)
        {
            mean += a > 0 ? a : 0;
        }
        mean /= valid;
        double squares = 0;
        foreach (var a in averages)
        {
            squares += a > 0 ? (a - mean) * (a - mean) : 0;
        }
        var threshold = mean + (stdRatio * Math.Sqrt(squares / (valid - 1)));
        var inliers = new List<int>(points.Length);
        for (var i = 0; i < averages.Length; i++)
        {
            if (averages[i] > 0 && averages[i] < threshold)
            {
                inliers.Add(i);
            }
        }
        return [.. inliers];
    }

    /// <summary>The points <see cref="FindStatisticalInliers"/> keeps, in their original order.</summary>
    public static Point3D[] RemoveStatisticalOutliers(ReadOnlySpan<Point3D> points, int nbNeighbors, double stdRatio) =>
        Select(points, FindStatisticalInliers(points, nbNeighbors, stdRatio));

    /// <summary>
    /// Open3D's <c>cluster_dbscan(eps, min_points)</c>: a label per point, clusters numbered 0, 1, … in the order of
    /// their lowest-index core point, <see cref="Noise"/> (-1) for noise. Neighbours are the points at squared
    /// distance &lt; eps² (the point itself included); a point with at least <paramref name="minPoints"/> neighbours
    /// is a core point. A border point reachable from two clusters joins the one numbered first, as in Open3D.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">eps is not positive and finite, or minPoints is negative.</exception>
    public static int[] ClusterDbscan(ReadOnlySpan<Point3D> points, double eps, int minPoints)
    {
        if (!(eps > 0) || !double.IsFinite(eps))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be positive and finite");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(minPoints);
        const int Undefined = -2;
        var labels = new int[points.Length];
        if (points.IsEmpty)
        {
            return labels;
        }
        // Cells of side eps: every neighbour of a point lies in the 27 cells around it.
        var index = new PointCloudIndex(points, eps);
        // Open3D precomputes every neighbour list; counting first and re-querying core points while expanding keeps
        // memory linear with the same result.
        var core = new bool[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            core[i] = index.CountWithin(points[i], eps) >= minPoints;
            labels[i] = Undefined;
        }
        var neighbours = new List<int>();
        var pending = new Stack<int>();
        var cluster = 0;
        for (var seed = 0; seed < points.Length; seed++)
        {
            if (labels[seed] != Undefined)
            {
                continue;
            }
            if (!core[seed])
            {
                labels[seed] = Noise;
                continue;
            }
            labels[seed] = cluster;
            neighbours.Clear();
            index.RadiusSearch(points[seed], eps, neighbours);
            neighbours.ForEach(pending.Push);
            while (pending.TryPop(out var point))
            {
                // Noise found from a core point is a border point of this cluster; labelled points are done.
                if (labels[point] >= 0)
                {
                    continue;
                }
                labels[point] = cluster;
                if (!core[point])
                {
                    continue;
                }
                neighbours.Clear();
                index.RadiusSearch(points[point], eps, neighbours);
                foreach (var next in neighbours)
                {
                    if (labels[next] < 0)
                    {
                        pending.Push(next);
                    }
                }
            }
            cluster++;
        }
        return labels;
    }

    /// <summary>
    /// The points of the largest DBSCAN cluster (see <see cref="ClusterDbscan"/>), in their original order; the
    /// lowest-numbered cluster wins a tie; empty when every point is noise.
    /// </summary>
    public static Point3D[] LargestCluster(ReadOnlySpan<Point3D> points, double eps, int minPoints)
    {
        var labels = ClusterDbscan(points, eps, minPoints);
        var sizes = new Dictionary<int, int>();
        foreach (var label in labels)
        {
            if (label >= 0)
            {
                sizes[label] = sizes.GetValueOrDefault(label) + 1;
            }
        }
        if (sizes.Count == 0)
        {
            return [];
        }
        var best = sizes.OrderByDescending(s => s.Value).ThenBy(s => s.Key).First().Key;
        var result = new List<Point3D>(sizes[best]);
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] == best)
            {
                result.Add(points[i]);
            }
        }
        return [.. result];
    }

    /// <summary>
    /// The distance from <paramref name="query"/> to the nearest point of <paramref name="cloud"/>; +∞ for an empty
    /// cloud. A linear scan: for many queries against one cloud, build a <see cref="PointCloudIndex"/>.
    /// </summary>
    public static double NearestDistance(Point3D query, ReadOnlySpan<Point3D> cloud)
    {
        var best = double.PositiveInfinity;
        foreach (var p in cloud)
        {
            best = Math.Min(best, p.DistanceSquaredTo(query));
        }
        return Math.Sqrt(best);
    }

    /// <summary>The points at <paramref name="indices"/>, in that order.</summary>
    public static Point3D[] Select(ReadOnlySpan<Point3D> points, ReadOnlySpan<int> indices)
    {
        var result = new Point3D[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            result[i] = points[indices[i]];
        }
        return result;
    }

    /// <summary>The mean of the points.</summary>
    /// <exception cref="ArgumentException">There are no points.</exception>
    public static Point3D Centroid(ReadOnlySpan<Point3D> points)
    {
        if (points.IsEmpty)
        {
            throw new ArgumentException("the centroid of no points is undefined");
        }
        var sum = Point3D.Zero;
        foreach (var p in points)
        {
            sum += p;
        }
        return sum / points.Length;
    }
}
