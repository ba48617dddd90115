"""TraceSpatial-Bench's 3D collision test computed with Open3D itself (Debian python3-open3d), as the parity peer of
our scorer (Open3DParityTests). Written from the definitions summarize_acc.py uses, on Open3D's public API:
object cloud from mask and depth -> statistical outlier removal (10, 1.2) -> voxel down-sampling at
max(0.01, 3 * |std| / 40) -> largest DBSCAN cluster (0.02, 10) when it has 5+ points; obstacles = depth without the
object's pixels (mask == 255), float32 mm / 1000, cut at 5 m, fused in a ScalableTSDFVolume (0.02 m, truncation
0.08 m), surface points voxelised with VoxelGrid.create_from_point_cloud (0.02 m); a pose's ratio = the share of
object points, moved by (pose - first pose), whose truncated voxel index is occupied.

usage: open3d_collision.py REQUEST.json
REQUEST.json: {"samples": [{"id", "depth": PNG path, "mask": PNG path, "intrinsics": 3x3,
                            "traces": {"name": [[x, y, z], ...], ...}}]}
prints: {"id": {"object_points", "voxels", "origin": [x, y, z], "max_ratios": {"name": ratio, ...}}}
"""
import json
import sys
from collections import Counter

import numpy as np
import open3d as o3d

VOXEL = 0.02


def object_cloud(depth_mm, mask, k):
    fx, fy, cx, cy = k[0][0], k[1][1], k[0][2], k[1][2]
    rows, cols = np.nonzero((mask > 0) & (depth_mm > 0) & (depth_mm < 15000))
    z = depth_mm[rows, cols] / 1000.0
    points = np.stack([(cols - cx) * z / fx, (rows - cy) * z / fy, z], axis=1)
    if len(points) == 0:
        return points
    cloud = o3d.geometry.PointCloud(o3d.utility.Vector3dVector(points))
    scale = np.linalg.norm(points.std(axis=0)) * 3.0 + 1e-6
    cloud, _ = cloud.remove_statistical_outlier(nb_neighbors=10, std_ratio=1.2)
    cloud = cloud.voxel_down_sample(voxel_size=max(0.01, scale / 40))
    labels = np.array(cloud.cluster_dbscan(eps=0.02, min_points=10))
    sizes = Counter(labels.tolist())
    sizes.pop(-1, None)
    kept = np.asarray(cloud.points)
    if sizes:
        label, count = sizes.most_common(1)[0]
        if count >= 5:
            kept = kept[labels == label]
    return kept


def obstacles(depth_mm, mask, k):
    height, width = depth_mm.shape
    depth = depth_mm.astype(np.float32)
    depth[mask == 255] = 0
    rgbd = o3d.geometry.RGBDImage.create_from_color_and_depth(
        o3d.geometry.Image(np.zeros((height, width, 3), dtype=np.uint8)), o3d.geometry.Image(depth),
        depth_scale=1000.0, depth_trunc=5.0, convert_rgb_to_intensity=False)
    volume = o3d.pipelines.integration.ScalableTSDFVolume(
        voxel_length=VOXEL, sdf_trunc=4 * VOXEL, color_type=o3d.pipelines.integration.TSDFVolumeColorType.NoColor)
    camera = o3d.camera.PinholeCameraIntrinsic(width, height, k[0][0], k[1][1], k[0][2], k[1][2])
    volume.integrate(rgbd, camera, np.eye(4))
    surface = volume.extract_point_cloud()
    if not surface.has_points():
        return set(), np.zeros(3)
    grid = o3d.geometry.VoxelGrid.create_from_point_cloud(surface, voxel_size=VOXEL)
    return {tuple(v.grid_index) for v in grid.get_voxels()}, np.asarray(grid.origin)


def main():
    request = json.load(open(sys.argv[1]))
    result = {}
    for sample in request["samples"]:
        depth_mm = np.asarray(o3d.io.read_image(sample["depth"])).astype(np.int64)
        mask = np.asarray(o3d.io.read_image(sample["mask"]))
        if mask.ndim == 3:
            mask = mask[:, :, 0]
        k = sample["intrinsics"]
        cloud = object_cloud(depth_mm, mask, k)
        occupied, origin = obstacles(depth_mm, mask, k)
        max_ratios = {}
        for name, points in sample["traces"].items():
            trace = np.array(points, dtype=np.float64)
            ratios = []
            for pose in trace:
                indices = ((cloud + (pose - trace[0]) - origin) / VOXEL).astype(int)
                hits = sum(1 for index in map(tuple, indices) if index in occupied)
                ratios.append(hits / max(len(cloud), 1))
            max_ratios[name] = max(ratios) if ratios else 0.0
        result[sample["id"]] = {
            "object_points": len(cloud),
            "voxels": len(occupied),
            "origin": origin.tolist(),
            "max_ratios": max_ratios,
        }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
