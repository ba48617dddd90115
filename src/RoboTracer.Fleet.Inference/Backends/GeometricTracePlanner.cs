using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Vision;
using RoboTracer.Fleet.Vision.Spatial;

namespace RoboTracer.Fleet.Inference.Backends;

/// <summary>What the geometric planner needs: the scene as the camera sees it, and what to move where.</summary>
/// <param name="Depth">Metric depth aligned to the camera.</param>
/// <param name="Intrinsics">The camera.</param>
/// <param name="Object">The box of the object to move (camera frame).</param>
/// <param name="Destination">The box whose top the object ends on, or the free spot it ends in.</param>
/// <param name="Side">On the destination, or beside it on the table on one side as the camera sees it ("place it to the left of the plate").</param>
public sealed record GeometricScene(DepthImage Depth, CameraIntrinsics Intrinsics, OrientedBox3D Object, OrientedBox3D Destination, PlacementSide Side = PlacementSide.On);

/// <summary>Where an object is set down relative to its destination, as the camera sees it.</summary>
public enum PlacementSide
{
    /// <summary>On top of it (or in it).</summary>
    On,

    /// <summary>Beside it, to the image's left.</summary>
    Left,

    /// <summary>Beside it, to the image's right.</summary>
    Right,

    /// <summary>Beside it, on the side towards the camera.</summary>
    Front,

    /// <summary>Beside it, on the side away from the camera.</summary>
    Behind,
}

/// <summary>
/// A deterministic CPU "trace model": lift the object, carry it over (or around) whatever the depth map shows in
/// the way, and set it down on the destination, or beside it on one side. Obstacles come from a voxel occupancy grid fused from the depth;
/// "up" is the normal of the dominant plane (the table), found by RANSAC, so no world frame is needed.
/// </summary>
public static class GeometricTracePlanner
{
    /// <summary>Voxel edge of the occupancy grid, metres (as TraceSpatial-Bench's collision check).</summary>
    public const double VoxelSize = 0.02;

    /// <summary>Clearance kept above the object's start and the destination's top, metres.</summary>
    public const double Clearance = 0.05;

    /// <summary>Waypoints on each straight leg of the trace, so the robot and the 2D overlay get a smooth path.</summary>
    public const int PointsPerLeg = 3;

    /// <summary>
    /// The nearest a waypoint may come to the camera's image plane, metres. The trace lives in the camera frame and
    /// is drawn in the image: a lift toward a camera that looks down from close by must stop short of it.
    /// </summary>
    public const double MinDepth = 0.05;

    /// <summary>The gap left between an object set down beside its destination and the destination, metres.</summary>
    public const double SideGap = 0.03;

    /// <summary>The highest lift tried above the start and the destination, metres.</summary>
    public const double MaxLift = 0.6;

    /// <summary>Plans the trace; throws <see cref="ArgumentException"/> when the scene gives nothing to stand on.</summary>
    public static IReadOnlyList<Point3D> Plan(GeometricScene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        var up = EstimateUp(scene.Depth, scene.Intrinsics);
        var occupancy = VoxelGrid.FromDepth(scene.Depth, scene.Intrinsics, VoxelSize, stride: 2);
        // The object travels with the gripper and the destination is where it lands: neither is in the way.
        occupancy.RemoveInside(scene.Object, VoxelSize);
        if (scene.Side == PlacementSide.On)
        {
            occupancy.RemoveInside(scene.Destination, VoxelSize);
        }

        var objectHalfHeight = HalfHeightAlong(scene.Object, up);
        var start = scene.Object.Center;
        var end = scene.Side == PlacementSide.On
            ? scene.Destination.Center + (up * (HalfHeightAlong(scene.Destination, up) + objectHalfHeight))
            : Beside(scene, up, objectHalfHeight);
        if (!InFrontOfCamera(start) || !InFrontOfCamera(end))
        {
            throw new ArgumentException(
                $"The object (at {start}) or the place it goes (at {end}) is less than {MinDepth} m in front of the camera: there is no trace to draw in this view.");
        }
        // Sweep radius: the carried object's footprint, so its body, not just its centre, clears obstacles.
        var radius = Math.Max(VoxelSize, 0.5 * Math.Min(scene.Object.Extent.X, Math.Min(scene.Object.Extent.Y, scene.Object.Extent.Z)));
        var maxLift = Math.Min(MaxLift, Math.Min(LiftRoom(start, up), LiftRoom(end, up)));

        for (var lift = Clearance + objectHalfHeight; lift <= maxLift; lift += Clearance)
        {
            foreach (var detour in Detours(start, end, up))
            {
                var raisedStart = start + (up * lift);
                var raisedEnd = end + (up * lift);
                List<Point3D> corners = [start, raisedStart, .. detour.Select(p => p + (up * lift)), raisedEnd, end];
                if (corners.All(InFrontOfCamera) && !occupancy.IntersectsPath(corners[1..^1], radius))
                {
                    return Densify(corners);
                }
            }
        }
        // Nothing clears the obstacles within reach: the highest straight path the view allows, for the robot's own
        // checks to judge.
        var high = up * maxLift;
        return Densify([start, start + high, end + high, end]);
    }

    private static bool InFrontOfCamera(Point3D point) => point.Z >= MinDepth;

    /// <summary>
    /// Where the object stands beside the destination: on the surface the destination stands on, <see cref="SideGap"/>
    /// clear of it, along the camera's x axis laid flat on that surface (the image's left or right), or along the way
    /// from the destination to the camera laid flat on it (in front, behind).
    /// </summary>
    private static Point3D Beside(GeometricScene scene, Point3D up, double objectHalfHeight)
    {
        var (axis, sign) = scene.Side switch
        {
            PlacementSide.Left => (new Point3D(1, 0, 0), -1.0),
            PlacementSide.Right => (new Point3D(1, 0, 0), 1.0),
            PlacementSide.Front => (scene.Destination.Center * -1, 1.0),
            _ => (scene.Destination.Center * -1, -1.0),
        };
        var side = (axis - (up * axis.Dot(up))).Normalized() * sign;
        var reach = HalfHeightAlong(scene.Destination, side) + HalfHeightAlong(scene.Object, side) + SideGap;
        var surface = scene.Destination.Center - (up * HalfHeightAlong(scene.Destination, up));
        return surface + (side * reach) + (up * objectHalfHeight);
    }

    /// <summary>How far <paramref name="from"/> may rise along <paramref name="up"/> before it reaches <see cref="MinDepth"/>.</summary>
    private static double LiftRoom(Point3D from, Point3D up) => up.Z < 0 ? (from.Z - MinDepth) / -up.Z : double.PositiveInfinity;

    /// <summary>Straight first, then around either side at growing distances.</summary>
    private static IEnumerable<Point3D[]> Detours(Point3D start, Point3D end, Point3D up)
    {
        yield return [];
        var along = end - start;
        var side = along.Cross(up);
        if (side.Length < 1e-9)
        {
            yield break;
        }
        side = side.Normalized();
        var middle = Point3D.Lerp(start, end, 0.5);
        foreach (var offset in new[] { 0.1, 0.2, 0.3 })
        {
            yield return [middle + (side * offset)];
            yield return [middle - (side * offset)];
        }
    }

    private static double HalfHeightAlong(OrientedBox3D box, Point3D up)
    {
        // The box's half-size along a direction: the support of its corners around the centre.
        var half = 0.0;
        foreach (var corner in box.Corners())
        {
            half = Math.Max(half, (corner - box.Center).Dot(up));
        }
        return half;
    }

    private static List<Point3D> Densify(IReadOnlyList<Point3D> corners)
    {
        var points = new List<Point3D> { corners[0] };
        for (var i = 1; i < corners.Count; i++)
        {
            for (var k = 1; k <= PointsPerLeg; k++)
            {
                points.Add(Point3D.Lerp(corners[i - 1], corners[i], (double)k / PointsPerLeg));
            }
        }
        return points;
    }

    /// <summary>
    /// The dominant plane's normal, oriented toward the camera: for a camera that sees a table, "up". RANSAC with a
    /// fixed seed, so the same depth map always gives the same answer.
    /// </summary>
    public static Point3D EstimateUp(DepthImage depth, CameraIntrinsics intrinsics)
    {
        ArgumentNullException.ThrowIfNull(depth);
        var cloud = depth.ToPointCloud(intrinsics, stride: 4);
        if (cloud.Length < 3)
        {
            throw new ArgumentException("The depth map has fewer than 3 valid samples: there is no surface to plan on.");
        }
        var random = new Random(17);
        var best = new Point3D(0, -1, 0);
        var bestInliers = -1;
        const double tolerance = 0.01;
        for (var iteration = 0; iteration < 200; iteration++)
        {
            var a = cloud[random.Next(cloud.Length)];
            var b = cloud[random.Next(cloud.Length)];
            var c = cloud[random.Next(cloud.Length)];
            var normal = (b - a).Cross(c - a);
            if (normal.Length < 1e-9)
            {
                continue;
            }
            normal = normal.Normalized();
            var inliers = 0;
            for (var i = 0; i < cloud.Length; i += 3)
            {
                if (Math.Abs((cloud[i] - a).Dot(normal)) < tolerance)
                {
                    inliers++;
                }
            }
            if (inliers > bestInliers)
            {
                bestInliers = inliers;
                // Toward the camera (origin): the side of the table that things stand on.
                best = normal.Dot(a) > 0 ? -normal : normal;
            }
        }
        return best;
    }
}
