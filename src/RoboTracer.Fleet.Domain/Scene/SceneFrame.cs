namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>The images of one observation, by reference.</summary>
/// <param name="Rgb">The colour image (PNG or JPEG blob).</param>
/// <param name="Depth">The aligned depth image, when there is one.</param>
/// <param name="Intrinsics">The camera's intrinsics, when known.</param>
/// <param name="TakenAt">When the camera took it.</param>
public sealed record SceneFrame(BlobReference Rgb, BlobReference? Depth, CameraCalibration? Intrinsics, DateTimeOffset TakenAt);
