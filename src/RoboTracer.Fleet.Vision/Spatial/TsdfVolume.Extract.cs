using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision.Spatial;

public sealed partial class TsdfVolume
{
    /// <summary>
    /// The zero crossings of the distance field, as Open3D's <c>ScalableTSDFVolume.extract_point_cloud</c> finds
    /// them: for every seen voxel with |tsdf| &lt; 0.98 (−0.98 included) and each of its +x, +y, +z neighbours (in
    /// the next block when at a block's edge) that is seen, within the same band and of the opposite sign, one point
    /// on the segment between the two voxel centres, placed by linear interpolation of the two distances. Far
    /// voxels (|tsdf| ≈ 1) never make points, so the front of the truncation band and empty space do not show;
    /// a surface seen from the camera gives one layer of points, a depth discontinuity none (its voxels behind the
    /// front surface stay unseen). Order: by block, then voxel; not meaningful.
    /// </summary>
    public List<Point3D> ExtractSurfacePoints()
    {
        var points = new List<Point3D>();
        var half = VoxelLength * 0.5;
        foreach (var (key, block) in _blocks)
        {
            // A block with no voxel in the band starts no crossing (it can still end one, read as a neighbour).
            if (!block.MayHoldSurface)
            {
                continue;
            }
            for (var x = 0; x < BlockResolution; x++)
            {
                for (var y = 0; y < BlockResolution; y++)
                {
                    for (var z = 0; z < BlockResolution; z++)
                    {
                        var i = Index(x, y, z);
                        var f0 = block.Tsdf[i];
                        if (block.Weight[i] == 0 || !InBand(f0))
                        {
                            continue;
                        }
                        // Double from here, as Open3D: the voxel centre, then the crossing on each axis.
                        Span<double> p0 =
                        [
                            half + (VoxelLength * x) + (key.X * BlockLength),
                            half + (VoxelLength * y) + (key.Y * BlockLength),
                            half + (VoxelLength * z) + (key.Z * BlockLength),
                        ];
                        for (var axis = 0; axis < 3; axis++)
                        {
                            if (!TryNeighbour(key, block, x, y, z, axis, out var f1) || !InBand(f1) || !(f0 * f1 < 0))
                            {
                                continue;
                            }
                            var r0 = Math.Abs(f0);
                            var r1 = Math.Abs(f1);
                            // r0 + r1 is a float sum in Open3D; the products are double.
                            var crossing = ((p0[axis] * r1) + ((p0[axis] + VoxelLength) * r0)) / (double)(r0 + r1);
                            points.Add(axis switch
                            {
                                0 => new Point3D(crossing, p0[1], p0[2]),
                                1 => new Point3D(p0[0], crossing, p0[2]),
                                _ => new Point3D(p0[0], p0[1], crossing),
                            });
                        }
                    }
                }
            }
        }
        return points;
    }

    private static bool InBand(float tsdf) => tsdf < 0.98f && tsdf >= -0.98f;

    /// <summary>The distance of the voxel one step along +<paramref name="axis"/>; false when it is unseen or its block was never allocated.</summary>
    private bool TryNeighbour(VoxelKey key, Block block, int x, int y, int z, int axis, out float tsdf)
    {
        Span<int> idx = [x, y, z];
        idx[axis]++;
        var owner = block;
        if (idx[axis] == BlockResolution)
        {
            idx[axis] = 0;
            var next = axis switch
            {
                0 => key.Offset(1, 0, 0),
                1 => key.Offset(0, 1, 0),
                _ => key.Offset(0, 0, 1),
            };
            if (!_blocks.TryGetValue(next, out owner))
            {
                tsdf = 0;
                return false;
            }
        }
        var i = Index(idx[0], idx[1], idx[2]);
        tsdf = owner.Tsdf[i];
        return owner.Weight[i] != 0;
    }
}
