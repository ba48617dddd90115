using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision.Tests.Spatial;

/// <summary>
/// Literal, brute-force transcriptions of Open3D's PointCloud::RemoveStatisticalOutliers and ClusterDBSCAN
/// (cpp/open3d/geometry/PointCloud.cpp, PointCloudCluster.cpp): O(n²) neighbour search, the same loops and
/// quirks, to check the fast implementations against.
/// </summary>
internal static class Open3DReference
{
    public static int[] StatisticalInliers(Point3D[] points, int nbNeighbors, double stdRatio)
    {
        var averages = new double[points.Length];
        var valid = 0;
        for (var i = 0; i < points.Length; i++)
        {
            var distances = points.Select(p => p.DistanceSquaredTo(points[i])).Order().Take(nbNeighbors).Select(Math.Sqrt).ToArray();
            var mean = -1.0;
            if (distances.Length > 0)
            {
                valid++;
                mean = distances.Sum() / distances.Length;
            }
            averages[i] = mean;
        }
        var cloudMean = averages.Aggregate(0.0, (x, y) => y > 0 ? x + y : x) / valid;
        var squares = averages.Sum(x => x > 0 ? (x - cloudMean) * (x - cloudMean) : 0);
        var threshold = cloudMean + (stdRatio * Math.Sqrt(squares / (valid - 1)));
        return Enumerable.Range(0, points.Length).Where(i => averages[i] > 0 && averages[i] < threshold).ToArray();
    }

    public static int[] Dbscan(Point3D[] points, double eps, int minPoints)
    {
        var neighbours = points
            .Select(p => Enumerable.Range(0, points.Length).Where(j => points[j].DistanceSquaredTo(p) < eps * eps).ToList())
            .ToArray();
        var labels = Enumerable.Repeat(-2, points.Length).ToArray();
        var cluster = 0;
        for (var idx = 0; idx < points.Length; idx++)
        {
            if (labels[idx] != -2)
            {
                continue;
            }
            if (neighbours[idx].Count < minPoints)
            {
                labels[idx] = -1;
                continue;
            }
            labels[idx] = cluster;
            var next = new List<int>(neighbours[idx]);
            while (next.Count > 0)
            {
                var nb = next[^1];
                next.RemoveAt(next.Count - 1);
                if (nb == idx || labels[nb] >= 0)
                {
                    continue;
                }
                labels[nb] = cluster;
                if (neighbours[nb].Count >= minPoints)
                {
                    next.AddRange(neighbours[nb].Where(q => labels[q] < 0));
                }
            }
            cluster++;
        }
        return labels;
    }
}
