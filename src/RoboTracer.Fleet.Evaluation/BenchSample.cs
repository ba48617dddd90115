using System.Text.Json.Nodes;
using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Evaluation;

/// <summary>
/// One TraceSpatial-Bench sample as <c>trajectory_dataset.json</c> holds it (DESIGN.md §4). Paths are relative to
/// the bench's <c>raw_data/</c> folder; geometry is in the camera frame (metres, y down).
/// </summary>
/// <param name="Id">The sample's id, as text (the bench writes numbers or strings).</param>
/// <param name="Prompt">The task instruction (<c>prompt</c>).</param>
/// <param name="TargetObject">The object to move (<c>target_object</c>).</param>
/// <param name="Destination">Where it goes (<c>destination|direction</c>).</param>
/// <param name="ImagePath">RGB image, relative to raw_data.</param>
/// <param name="DepthPath">uint16 millimetre depth PNG, relative to raw_data.</param>
/// <param name="MaskPath">Object mask PNG (255 = the object), relative to raw_data.</param>
/// <param name="IntrinsicsMatrix">The 3x3 or 4x4 <c>gt_depth_intrinsics</c>, row by row.</param>
/// <param name="Trajectory">The ground-truth 3D trace.</param>
/// <param name="DestinationBox">The destination (<c>bbox_center</c>, <c>bbox_extent</c> full lengths, <c>bbox_rotation</c>).</param>
/// <param name="Step">Reasoning steps, when given.</param>
/// <param name="Category">Category, when given.</param>
public sealed record BenchSample(
    string Id,
    string Prompt,
    string TargetObject,
    string Destination,
    string ImagePath,
    string DepthPath,
    string MaskPath,
    IReadOnlyList<IReadOnlyList<double>> IntrinsicsMatrix,
    IReadOnlyList<Point3D> Trajectory,
    OrientedBox3D DestinationBox,
    int? Step,
    string? Category)
{
    /// <summary>The sample's JSON object as read, so that outputs copy its fields verbatim (ids keep their JSON type).</summary>
    public JsonObject? Source { get; init; }
}
