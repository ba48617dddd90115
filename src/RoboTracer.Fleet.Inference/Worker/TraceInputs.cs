using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Inference.Worker;

/// <summary>A request's inputs, checked and decoded once by the worker before any backend sees them.</summary>
/// <param name="Image">Format and size of the RGB image.</param>
/// <param name="Depth">Aligned metric depth, when the request carried one.</param>
/// <param name="Intrinsics">The camera, when the request carried one; sized like the image.</param>
public sealed record TraceInputs(ImageInfo Image, DepthImage? Depth, CameraIntrinsics? Intrinsics)
{
    /// <summary>True when 2D points can be lifted to 3D.</summary>
    public bool CanLift => Depth is not null && Intrinsics is not null;
}
