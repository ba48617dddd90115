using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Vision;
using RoboTracer.Fleet.Vision.Spatial;

namespace RoboTracer.Fleet.Evaluation;

/// <summary>
/// The obstacles of <c>summarize_acc.py</c>'s collision test (<c>create_occupancy_grid_from_tsdf</c>), built as it
/// builds them:
/// <list type="number">
/// <item>the depth PNG as float32 millimetres with the object's pixels set to 0, then ÷ 1000 in float32 and set to
/// 0 at or beyond <see cref="DepthTruncation"/> (Open3D's <c>create_from_color_and_depth</c>);</item>
/// <item>fused into a <see cref="TsdfVolume"/> (voxel <see cref="SceneGeometry.VoxelSize"/>, truncation
/// <see cref="TruncationVoxels"/> voxels) and its surface extracted as points;</item>
/// <item>those points voxelised as Open3D's <c>VoxelGrid.create_from_point_cloud</c> does: the grid's origin is
/// the points' minimum bound minus half a voxel, a point's voxel is ⌊(p − origin) / size⌋.</item>
/// </list>
/// A query point's voxel is then taken as the script takes it, by truncation toward zero
/// (<c>.astype(int)</c>), not floor: a point up to one voxel below the origin on an axis reads index 0 there,
/// and can hit an occupied voxel of the grid's first layer. Immutable once built; safe to share across threads.
/// </summary>
public sealed class ObstacleOccupancy
{
    /// <summary>Depths at or beyond this many metres are dropped before fusion (the script's <c>depth_trunc</c>).</summary>
    public const double DepthTruncation = 5.0;

    /// <summary>The TSDF truncation in voxels (the script's <c>sdf_trunc = 4 * voxel_size</c>).</summary>
    public const int TruncationVoxels = 4;

    private readonly HashSet<VoxelKey> _occupied;

    private ObstacleOccupancy(HashSet<VoxelKey> occupied, Point3D origin, double voxelSize)
    {
        _occupied = occupied;
        Origin = origin;
        VoxelSize = voxelSize;
    }

    /// <summary>The grid's origin: the surface points' minimum bound minus half a voxel (zero when there are none).</summary>
    public Point3D Origin { get; }

    /// <summary>Voxel edge, metres.</summary>
    public double VoxelSize { get; }

    /// <summary>Number of occupied voxels; 0 when the fusion found no surface (the script then counts no collision).</summary>
    public int Count => _occupied.Count;

    /// <summary>
    /// The obstacles of a bench sample: its depth, less the object's mask, fused and voxelised as described on the
    /// type. The depth must come from the bench's millimetre PNG (<see cref="DepthImage.FromPng"/>): each pixel is
    /// turned back into its millimetres to give Open3D the very float32 it reads.
    /// </summary>
    /// <exception cref="ArgumentException">The depth, mask and intrinsics are not all of one size.</exception>
    public static ObstacleOccupancy FromBenchDepth(DepthImage depth, MaskImage objectMask, CameraIntrinsics intrinsics)
    {
        SceneGeometry.CheckOneSize(depth, objectMask, intrinsics);
        var metres = depth.Metres;
        var masked = objectMask.Pixels;
        var obstacleDepth = new float[metres.Length];
        for (var i = 0; i < metres.Length; i++)
        {
            if (masked[i] || !(metres[i] > 0))
            {
                continue;
            }
            var d = (float)Math.Round(metres[i] * 1000.0) / 1000.0f;
            obstacleDepth[i] = d >= DepthTruncation ? 0 : d;
        }
        var volume = new TsdfVolume(SceneGeometry.VoxelSize, TruncationVoxels * SceneGeometry.VoxelSize);
        volume.Integrate(obstacleDepth, intrinsics);
        return FromSurfacePoints(volume.ExtractSurfacePoints(), SceneGeometry.VoxelSize);
    }

    /// <summary>Open3D's <c>VoxelGrid.create_from_point_cloud</c> over <paramref name="points"/>; empty for no points.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The voxel size is not positive and finite.</exception>
    public static ObstacleOccupancy FromSurfacePoints(IReadOnlyList<Point3D> points, double voxelSize)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (!(voxelSize > 0) || !double.IsFinite(voxelSize))
        {
            throw new ArgumentOutOfRangeException(nameof(voxelSize), voxelSize, "voxel size must be positive and finite");
        }
        if (points.Count == 0)
        {
            return new([], default, voxelSize);
        }
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, minZ = double.PositiveInfinity;
        foreach (var p in points)
        {
            minX = Math.Min(minX, p.X);
            minY = Math.Min(minY, p.Y);
            minZ = Math.Min(minZ, p.Z);
        }
        var half = voxelSize * 0.5;
        var origin = new Point3D(minX - half, minY - half, minZ - half);
        var occupied = new HashSet<VoxelKey>();
        foreach (var p in points)
        {
            occupied.Add(VoxelKey.Of(p, voxelSize, origin));
        }
        return new(occupied, origin, voxelSize);
    }

    /// <summary>Whether the grid holds voxel <paramref name="key"/> (indices from <see cref="Origin"/>).</summary>
    public bool Contains(VoxelKey key) => _occupied.Contains(key);

    /// <summary>
    /// How many of <paramref name="points"/>, each moved by <paramref name="offset"/>, read an occupied voxel with the
    /// script's truncating lookup (<c>((p + offset − origin) / size).astype(int)</c>, in that order). Points, not
    /// distinct voxels; non-finite or out-of-range coordinates hit nothing.
    /// </summary>
    public int CountOccupied(ReadOnlySpan<Point3D> points, Point3D offset)
    {
        if (_occupied.Count == 0)
        {
            return 0;
        }
        var count = 0;
        foreach (var p in points)
        {
            var moved = p + offset;
            if (TryTruncate((moved.X - Origin.X) / VoxelSize, out var x)
                && TryTruncate((moved.Y - Origin.Y) / VoxelSize, out var y)
                && TryTruncate((moved.Z - Origin.Z) / VoxelSize, out var z)
                && _occupied.Contains(new VoxelKey(x, y, z)))
            {
                count++;
            }
        }
        return count;
    }

    private static bool TryTruncate(double value, out int index)
    {
        // Occupied indices are never negative and fit an int; anything beyond cannot hit (NaN fails both tests).
        if (value > -1.0 && value < int.MaxValue)
        {
            index = (int)value;
            return true;
        }
        index = 0;
        return false;
    }
}
