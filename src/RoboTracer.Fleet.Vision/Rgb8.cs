namespace RoboTracer.Fleet.Vision;

/// <summary>An 8-bit sRGB colour.</summary>
/// <param name="R">Red, 0–255.</param>
/// <param name="G">Green, 0–255.</param>
/// <param name="B">Blue, 0–255.</param>
public readonly record struct Rgb8(byte R, byte G, byte B)
{
    /// <summary>The colour scaled by <paramref name="factor"/> (e.g. a shading term), rounded and clamped to 0–255.</summary>
    public Rgb8 Scaled(double factor) => new(Scale(R, factor), Scale(G, factor), Scale(B, factor));

    private static byte Scale(byte value, double factor) => (byte)Math.Clamp(Math.Round(value * factor), 0, 255);
}
