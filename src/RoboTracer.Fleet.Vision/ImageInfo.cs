namespace RoboTracer.Fleet.Vision;

/// <summary>What <see cref="ImageFormat.Sniff"/> learns from an image's first bytes: its format and size.</summary>
/// <param name="Kind">PNG or JPEG.</param>
/// <param name="Width">Width in pixels, from the PNG header or the JPEG frame header.</param>
/// <param name="Height">Height in pixels.</param>
public readonly record struct ImageInfo(ImageKind Kind, int Width, int Height)
{
    /// <summary>"image/png" or "image/jpeg".</summary>
    public string MediaType => Kind == ImageKind.Png ? "image/png" : "image/jpeg";
}
