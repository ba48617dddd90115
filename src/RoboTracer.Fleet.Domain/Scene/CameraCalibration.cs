namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>
/// Pinhole intrinsics of the camera that took a frame, as plain values for events (the validated camera model
/// with projection is <c>RoboTracer.Fleet.Vision.CameraIntrinsics</c>).
/// </summary>
/// <param name="Fx">Focal length along x, pixels.</param>
/// <param name="Fy">Focal length along y, pixels.</param>
/// <param name="Cx">Principal point x, pixels.</param>
/// <param name="Cy">Principal point y, pixels.</param>
/// <param name="Width">Image width, pixels.</param>
/// <param name="Height">Image height, pixels.</param>
public sealed record CameraCalibration(double Fx, double Fy, double Cx, double Cy, int Width, int Height)
{
    /// <summary>What is wrong with these values, or null when they are usable.</summary>
    public string? Problem() =>
        !(double.IsFinite(Fx) && Fx > 0) ? $"singular intrinsics: fx is {Fx}"
        : !(double.IsFinite(Fy) && Fy > 0) ? $"singular intrinsics: fy is {Fy}"
        : !(double.IsFinite(Cx) && double.IsFinite(Cy)) ? $"principal point ({Cx}, {Cy}) is not finite"
        : Width <= 0 || Height <= 0 ? $"image size {Width}x{Height} is not positive"
        : null;
}
