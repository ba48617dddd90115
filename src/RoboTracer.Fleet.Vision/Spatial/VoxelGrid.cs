using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision.Spatial;

/// <summary>
/// Sparse occupancy: the set of cubic voxels (origin at 0, side <see cref="VoxelSize"/>) that hold at least one
/// observed point. Built from a point cloud or a depth image; answers point, segment and capsule queries for
/// planning. (TraceSpatial-Bench's collision check does not use it: the scorer fuses the depth into a
/// <see cref="TsdfVolume"/> as the bench's script does.) A depth camera sees only front surfaces, so a grid from
/// one depth image is a shell; <see cref="FromDepth"/> can thicken it along each ray. Mutable; not thread-safe
/// (share a built grid read-only, or <see cref="Clone"/> it). Segment queries live in <c>VoxelGrid.Sweep.cs</c>.
/// </summary>
public sealed partial class VoxelGrid
{
    private readonly HashSet<VoxelKey> _occupied;

    /// <summary>An empty grid of voxels with side <paramref name="voxelSize"/> metres (e.g. 0.02).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The voxel size is not positive and finite.</exception>
    public VoxelGrid(double voxelSize)
    {
        if (!(voxelSize > 0) || !double.IsFinite(voxelSize))
        {
            throw new ArgumentOutOfRangeException(nameof(voxelSize), voxelSize, "voxel size must be positive and finite");
        }
        VoxelSize = voxelSize;
        _occupied = [];
    }

    private VoxelGrid(double voxelSize, HashSet<VoxelKey> occupied)
    {
        VoxelSize = voxelSize;
        _occupied = occupied;
    }

    /// <summary>Side of a voxel in metres.</summary>
    public double VoxelSize { get; }

    /// <summary>Number of occupied voxels.</summary>
    public int Count => _occupied.Count;

    /// <summary>The occupied voxels, in no particular order.</summary>
    public IReadOnlyCollection<VoxelKey> Keys => _occupied;

    /// <summary>A grid occupied wherever a point lies; non-finite points are skipped.</summary>
    public static VoxelGrid FromPoints(ReadOnlySpan<Point3D> points, double voxelSize)
    {
        var grid = new VoxelGrid(voxelSize);
        grid.AddRange(points);
        return grid;
    }

    /// <summary>
    /// A grid from a depth image: every <paramref name="stride"/>-th measured pixel back-projected and marked, and,
    /// when <paramref name="thickness"/> &gt; 0, the voxels up to that many metres behind each surface point along
    /// its camera ray, so that thin shells become solid enough to block paths that would pass behind them.
    /// The surface is watertight only where neighbouring pixels' points are closer than a voxel (depth × stride /
    /// focal length &lt; voxel size; about 2 mm at 1 m for a 640×480 camera, against 2 cm voxels).
    /// </summary>
    /// <exception cref="ArgumentException">The intrinsics are for a different image size.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Stride is not positive, or thickness is negative.</exception>
    public static VoxelGrid FromDepth(DepthImage depth, CameraIntrinsics intrinsics, double voxelSize, int stride = 1, double thickness = 0)
    {
        ArgumentNullException.ThrowIfNull(depth);
        ArgumentOutOfRangeException.ThrowIfNegative(thickness);
        var grid = new VoxelGrid(voxelSize);
        var points = depth.ToPointCloud(intrinsics, null, stride);
        grid.AddRange(points);
        if (thickness > 0)
        {
            var step = voxelSize / 2;
            foreach (var p in points)
            {
                var direction = p / p.Length;
                for (var s = step; s < thickness + step; s += step)
                {
                    grid.Add(p + (direction * Math.Min(s, thickness)));
                }
            }
        }
        return grid;
    }

    /// <summary>The voxel holding <paramref name="point"/>.</summary>
    public VoxelKey KeyOf(Point3D point) => VoxelKey.Of(point, VoxelSize);

    /// <summary>The centre of voxel <paramref name="key"/>.</summary>
    public Point3D CenterOf(VoxelKey key) => new((key.X + 0.5) * VoxelSize, (key.Y + 0.5) * VoxelSize, (key.Z + 0.5) * VoxelSize);

    /// <summary>The cube of voxel <paramref name="key"/>.</summary>
    public AxisAlignedBox3D BoundsOf(VoxelKey key)
    {
        var min = new Point3D(key.X * VoxelSize, key.Y * VoxelSize, key.Z * VoxelSize);
        return new(min, min + new Point3D(VoxelSize, VoxelSize, VoxelSize));
    }

    /// <summary>Marks the voxel holding <paramref name="point"/>; false when it was already occupied or the point is not finite.</summary>
    public bool Add(Point3D point) => point.IsFinite && _occupied.Add(KeyOf(point));

    /// <summary>Marks voxel <paramref name="key"/>; false when it was already occupied.</summary>
    public bool Add(VoxelKey key) => _occupied.Add(key);

    /// <summary>Marks the voxels of all finite points.</summary>
    public void AddRange(ReadOnlySpan<Point3D> points)
    {
        foreach (var p in points)
        {
            Add(p);
        }
    }

    /// <summary>Whether the voxel holding <paramref name="point"/> is occupied.</summary>
    public bool Occupied(Point3D point) => point.IsFinite && _occupied.Contains(KeyOf(point));

    /// <summary>Whether voxel <paramref name="key"/> is occupied.</summary>
    public bool Occupied(VoxelKey key) => _occupied.Contains(key);

    /// <summary>How many of the points, each moved by <paramref name="offset"/>, fall in occupied voxels: a point set swept along a trace.</summary>
    public int CountOccupied(ReadOnlySpan<Point3D> points, Point3D offset)
    {
        var count = 0;
        foreach (var p in points)
        {
            if (Occupied(p + offset))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>
    /// Clears the voxels holding <paramref name="points"/> and, with <paramref name="dilation"/> &gt; 0, every voxel
    /// within that many voxels of them (Chebyshev distance), to cover depth noise at the edges. Used to take the
    /// object being carried out of the obstacles. Returns the number of voxels cleared.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dilation"/> is negative.</exception>
    public int RemovePoints(ReadOnlySpan<Point3D> points, int dilation = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dilation);
        var removed = 0;
        foreach (var p in points)
        {
            if (!p.IsFinite)
            {
                continue;
            }
            var key = KeyOf(p);
            for (var dx = -dilation; dx <= dilation; dx++)
            {
                for (var dy = -dilation; dy <= dilation; dy++)
                {
                    for (var dz = -dilation; dz <= dilation; dz++)
                    {
                        if (_occupied.Remove(key.Offset(dx, dy, dz)))
                        {
                            removed++;
                        }
                    }
                }
            }
        }
        return removed;
    }

    /// <summary>Clears every voxel whose centre lies in <paramref name="box"/> grown by <paramref name="margin"/> metres; returns how many.</summary>
    public int RemoveInside(OrientedBox3D box, double margin = 0) => _occupied.RemoveWhere(key => box.Contains(CenterOf(key), margin));

    /// <summary>An independent copy, e.g. to remove a carried object without changing a shared grid.</summary>
    public VoxelGrid Clone() => new(VoxelSize, new HashSet<VoxelKey>(_occupied));
}
