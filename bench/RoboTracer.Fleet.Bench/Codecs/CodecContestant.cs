namespace RoboTracer.Fleet.Bench.Codecs;

/// <summary>
/// One image codec under test, reduced to what the fleet asks of one: RGB images (PNG or JPEG) and 16-bit gray
/// depth PNGs in millimetres, both ways. An operation the library cannot do at all throws
/// <see cref="NotSupportedException"/>; one it does lossily returns what it gets, and the correctness checks say so.
/// </summary>
internal abstract class CodecContestant
{
    /// <summary>The name in the result line and the table.</summary>
    public abstract string Name { get; }

    /// <summary>Managed and native files it adds to a deployment, for the size column.</summary>
    public abstract IReadOnlyList<string> Files { get; }

    /// <summary>8-bit RGB triples, rows top to bottom: alpha dropped, 16-bit samples reduced to 8 bits.</summary>
    public abstract DecodedRgb DecodeRgb(byte[] file);

    /// <summary>An 8-bit RGB PNG at the library's default compression.</summary>
    public abstract byte[] EncodeRgb(byte[] rgb, int width, int height);

    /// <summary>
    /// An 8-bit RGB PNG at the fastest compression (what the simulator and the orchestrator use per frame); not
    /// every library offers one per call.
    /// </summary>
    public virtual byte[] EncodeRgbFast(byte[] rgb, int width, int height) => throw new NotSupportedException("no per-call compression level");

    /// <summary>The 16-bit samples of a grayscale PNG, as many bits as the library keeps.</summary>
    public abstract ushort[] DecodeGray16(byte[] png);

    /// <summary>A 16-bit grayscale PNG of <paramref name="samples"/>.</summary>
    public abstract byte[] EncodeGray16(ushort[] samples, int width, int height);
}

/// <summary>Decoded RGB triples and the size.</summary>
internal readonly record struct DecodedRgb(byte[] Rgb, int Width, int Height);
