using System.Text.Json.Nodes;
using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Evaluation;

/// <summary>Writes samples in <c>trajectory_dataset.json</c>'s shape (DESIGN.md §4).</summary>
public static class SampleJson
{
    /// <summary>The sample as a dataset entry; numeric ids stay numbers when the source had them so.</summary>
    public static JsonObject ToJson(BenchSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var box = sample.DestinationBox;
        var r = box.Rotation;
        var json = new JsonObject
        {
            ["id"] = sample.Source?["id"]?.DeepClone() ?? JsonValue.Create(sample.Id),
            ["prompt"] = sample.Prompt,
            ["target_object"] = sample.TargetObject,
            ["destination|direction"] = sample.Destination,
            ["image_path"] = sample.ImagePath,
            ["gt_depth_path"] = sample.DepthPath,
            ["mask_path"] = sample.MaskPath,
            ["gt_depth_intrinsics"] = new JsonArray([.. sample.IntrinsicsMatrix.Select(row => (JsonNode)Numbers(row))]),
            ["trajectory"] = new JsonArray([.. sample.Trajectory.Select(p => (JsonNode)Vector(p))]),
            ["bbox_center"] = Vector(box.Center),
            ["bbox_extent"] = Vector(box.Extent),
            ["bbox_rotation"] = new JsonArray(Numbers([r.M11, r.M12, r.M13]), Numbers([r.M21, r.M22, r.M23]), Numbers([r.M31, r.M32, r.M33])),
        };
        if (sample.Step is { } step)
        {
            json["step"] = step;
        }
        if (sample.Category is { } category)
        {
            json["category"] = category;
        }
        return json;
    }

    private static JsonArray Vector(Point3D p) => Numbers([p.X, p.Y, p.Z]);

    private static JsonArray Numbers(IEnumerable<double> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(Math.Round(v, 6)))]);
}
