using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision.Spatial;

/// <summary>
/// The integer coordinates of a cubic voxel: voxel (i, j, k) of size s covers [i·s, (i+1)·s) × [j·s, (j+1)·s) ×
/// [k·s, (k+1)·s) relative to the grid's origin.
/// </summary>
/// <param name="X">Index along x.</param>
/// <param name="Y">Index along y.</param>
/// <param name="Z">Index along z.</param>
public readonly record struct VoxelKey(int X, int Y, int Z)
{
    /// <summary>The voxel holding <paramref name="point"/> in a grid of cubes of <paramref name="size"/> metres with its origin at <paramref name="origin"/>.</summary>
    public static VoxelKey Of(Point3D point, double size, Point3D origin = default) => new(
        (int)Math.Floor((point.X - origin.X) / size),
        (int)Math.Floor((point.Y - origin.Y) / size),
        (int)Math.Floor((point.Z - origin.Z) / size));

    /// <summary>The voxel offset by (dx, dy, dz).</summary>
    public VoxelKey Offset(int dx, int dy, int dz) => new(X + dx, Y + dy, Z + dz);

    /// <inheritdoc />
    public bool Equals(VoxelKey other) => X == other.X && Y == other.Y && Z == other.Z;

    /// <inheritdoc />
    // The classic spatial hash of Teschner et al. (2003): large primes keep neighbouring keys apart in the table.
    public override int GetHashCode() => unchecked((X * 73856093) ^ (Y * 19349663) ^ (Z * 83492791));
}
