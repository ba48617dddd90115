using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Vision;
using RoboTracer.Fleet.Vision.Spatial;

namespace RoboTracer.Fleet.Evaluation;

/// <summary>
/// The geometry <c>summarize_acc.py</c> builds from a sample: the object's cleaned point cloud, the obstacle
/// occupancy grid, projections, and the collision ratios of the object carried along a trace.
/// </summary>
public static class SceneGeometry
{
    /// <summary>Occupancy voxel edge, metres (the script's <c>voxel_size</c>).</summary>
    public const double VoxelSize = 0.02;

    /// <summary>A pose collides when more than this fraction of the object's points fall in occupied voxels.</summary>
    public const double CollisionRatioThreshold = 0.20;

    /// <summary>
    /// The object's point cloud as the script's <c>create_object_pcd_from_mask</c> + <c>process_pcd</c> make it:
    /// the mask's pixels with valid depth back-projected; statistical outlier removal (10 neighbours, std ratio
    /// 1.2); voxel downsampling at max(0.01, s / 40), where s = 3 · ‖per-axis population std of the raw points‖;
    /// then the largest DBSCAN cluster (eps 0.02, 10 points), kept only when it has at least 5 points (otherwise
    /// the downsampled cloud stays, as when DBSCAN finds only noise). Empty when the mask has no valid depth.
    /// </summary>
    public static Point3D[] ObjectCloud(DepthImage depth, MaskImage mask, CameraIntrinsics intrinsics)
    {
        ArgumentNullException.ThrowIfNull(depth);
        ArgumentNullException.ThrowIfNull(mask);
        var raw = MaskedCloud(depth, mask, intrinsics);
        if (raw.Length == 0)
        {
            return [];
        }
        var scale = (3.0 * StdNorm(raw)) + 1e-6;
        var inliers = PointCloud.RemoveStatisticalOutliers(raw, 10, 1.2);
        if (inliers.Length == 0)
        {
            return [];
        }
        var down = PointCloud.VoxelDownsample(inliers, Math.Max(0.01, scale / 40));
        var labels = PointCloud.ClusterDbscan(down, 0.02, 10);
        // Counter.most_common: the largest cluster, ties going to the label met first in label order.
        var counts = new Dictionary<int, int>();
        var order = new List<int>();
        foreach (var label in labels)
        {
            if (label == PointCloud.Noise)
            {
                continue;
            }
            if (counts.TryGetValue(label, out var c))
            {
                counts[label] = c + 1;
            }
            else
            {
                counts[label] = 1;
                order.Add(label);
            }
        }
        if (order.Count == 0)
        {
            return down;
        }
        var best = order[0];
        foreach (var label in order)
        {
            if (counts[label] > counts[best])
            {
                best = label;
            }
        }
        if (counts[best] < 5)
        {
            return down;
        }
        return [.. down.Where((_, i) => labels[i] == best)];
    }

    /// <summary>
    /// The obstacles as the script's <c>create_occupancy_grid_from_tsdf</c> makes them: the depth less the object's
    /// pixels, fused into a TSDF and its surface voxelised; see <see cref="ObstacleOccupancy"/>. The object's pixels
    /// are <see cref="MaskImage"/>'s (value ≥ 128) here and for the object's cloud; the script removes mask == 255
    /// from the obstacles and takes mask &gt; 0 for the object, which differ only on anti-aliased or lossy masks.
    /// </summary>
    public static ObstacleOccupancy ObstacleGrid(DepthImage depth, MaskImage mask, CameraIntrinsics intrinsics) =>
        ObstacleOccupancy.FromBenchDepth(depth, mask, intrinsics);

    /// <summary>
    /// The script's <c>calculate_trajectory_collisions</c>: for each trace point, the fraction of the object's
    /// points that fall in occupied voxels when the cloud is moved by (point − first point). Counts points, not
    /// distinct voxels. An empty object cloud gives ratios of 0. The script passes the predicted points as they
    /// are (its parameter is named <c>pred_interp</c>, but the call gives it <c>pred_3d</c>, not the trace
    /// resampled for the path metrics), and so does <see cref="EvalScorer.Score3D"/>.
    /// </summary>
    public static double[] CollisionRatios(ObstacleOccupancy obstacles, ReadOnlySpan<Point3D> objectPoints, IReadOnlyList<Point3D> trace)
    {
        ArgumentNullException.ThrowIfNull(obstacles);
        ArgumentNullException.ThrowIfNull(trace);
        var ratios = new double[trace.Count];
        if (trace.Count == 0)
        {
            return ratios;
        }
        var start = trace[0];
        for (var i = 0; i < trace.Count; i++)
        {
            ratios[i] = obstacles.CountOccupied(objectPoints, trace[i] - start) / (double)Math.Max(objectPoints.Length, 1);
        }
        return ratios;
    }

    /// <summary>The script's <c>project_3d_to_2d</c>: the pinhole projection, with |Z| below 1e-6 replaced by 1e-6.</summary>
    public static Point2D Project(Point3D point, CameraIntrinsics intrinsics)
    {
        ArgumentNullException.ThrowIfNull(intrinsics);
        var z = Math.Abs(point.Z) < 1e-6 ? 1e-6 : point.Z;
        return new((point.X * intrinsics.Fx / z) + intrinsics.Cx, (point.Y * intrinsics.Fy / z) + intrinsics.Cy);
    }

    /// <summary>The script's <c>backproject_to_3d</c> for a point given as 0–1000 normalized x, y and depth d (metres).</summary>
    public static Point3D BackProjectNormalized(double x, double y, double depth, CameraIntrinsics intrinsics)
    {
        ArgumentNullException.ThrowIfNull(intrinsics);
        var u = x / 1000.0 * intrinsics.Width;
        var v = y / 1000.0 * intrinsics.Height;
        return new((u - intrinsics.Cx) * depth / intrinsics.Fx, (v - intrinsics.Cy) * depth / intrinsics.Fy, depth);
    }

    /// <summary>The script's <c>project_3d_bbox_to_2d</c>: the pixel bounds (u min, v min, u max, v max) of the box's 8 projected corners.</summary>
    public static (double UMin, double VMin, double UMax, double VMax) ProjectBox(OrientedBox3D box, CameraIntrinsics intrinsics)
    {
        double uMin = double.PositiveInfinity, vMin = double.PositiveInfinity, uMax = double.NegativeInfinity, vMax = double.NegativeInfinity;
        foreach (var corner in box.Corners())
        {
            var p = Project(corner, intrinsics);
            uMin = Math.Min(uMin, p.X);
            vMin = Math.Min(vMin, p.Y);
            uMax = Math.Max(uMax, p.X);
            vMax = Math.Max(vMax, p.Y);
        }
        return (uMin, vMin, uMax, vMax);
    }

    /// <summary>The script's <c>is_point_in_mask</c>: the pixel at the rounded (half to even, as Python) coordinates is set.</summary>
    public static bool InMask(Point2D pixel, MaskImage mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (!pixel.IsFinite)
        {
            return false;
        }
        var u = Math.Round(pixel.X, MidpointRounding.ToEven);
        var v = Math.Round(pixel.Y, MidpointRounding.ToEven);
        return u >= 0 && u < mask.Width && v >= 0 && v < mask.Height && mask[(int)u, (int)v];
    }

    /// <summary>
    /// The mask's pixels with depth, back-projected as <c>create_object_pcd_from_mask</c> does: z = millimetres /
    /// 1000 in double (our float32 metres are turned back into the PNG's millimetres first, so the points are the
    /// script's to the last bit), x = (u − cx)·z / fx, y = (v − cy)·z / fy.
    /// </summary>
    private static Point3D[] MaskedCloud(DepthImage depth, MaskImage mask, CameraIntrinsics intrinsics)
    {
        CheckOneSize(depth, mask, intrinsics);
        var metres = depth.Metres;
        var pixels = mask.Pixels;
        var points = new List<Point3D>(mask.Count);
        for (var v = 0; v < depth.Height; v++)
        {
            for (var u = 0; u < depth.Width; u++)
            {
                var i = (v * depth.Width) + u;
                if (pixels[i] && metres[i] > 0)
                {
                    var z = Math.Round(metres[i] * 1000.0) / 1000.0;
                    points.Add(new((u - intrinsics.Cx) * z / intrinsics.Fx, (v - intrinsics.Cy) * z / intrinsics.Fy, z));
                }
            }
        }
        return [.. points];
    }

    /// <summary>Throws unless the depth, the mask and the intrinsics are all of one image size.</summary>
    internal static void CheckOneSize(DepthImage depth, MaskImage mask, CameraIntrinsics intrinsics)
    {
        ArgumentNullException.ThrowIfNull(depth);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(intrinsics);
        if (depth.Width != intrinsics.Width || depth.Height != intrinsics.Height || mask.Width != depth.Width || mask.Height != depth.Height)
        {
            throw new ArgumentException(
                $"depth {depth.Width}x{depth.Height}, mask {mask.Width}x{mask.Height} and intrinsics {intrinsics.Width}x{intrinsics.Height} must be one size");
        }
    }

    private static double StdNorm(ReadOnlySpan<Point3D> points)
    {
        var mean = PointCloud.Centroid(points);
        double sx = 0, sy = 0, sz = 0;
        foreach (var p in points)
        {
            var d = p - mean;
            sx += d.X * d.X;
            sy += d.Y * d.Y;
            sz += d.Z * d.Z;
        }
        var n = points.Length;
        return Math.Sqrt((sx / n) + (sy / n) + (sz / n));
    }
}
