using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Evaluation;

/// <summary>A sample's files, decoded and checked against each other.</summary>
/// <param name="Sample">The sample.</param>
/// <param name="ImagePng">The image file's bytes, as sent to the model.</param>
/// <param name="Image">The image's format and size.</param>
/// <param name="Depth">Metric depth (0 or ≥ 15 m in the file = no measurement).</param>
/// <param name="Mask">The object to move.</param>
/// <param name="Intrinsics">The camera, sized to the image.</param>
public sealed record BenchSampleData(
    BenchSample Sample, byte[] ImagePng, ImageInfo Image, DepthImage Depth, MaskImage Mask, CameraIntrinsics Intrinsics);
